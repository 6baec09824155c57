// A box marked data-pick-all="<form id>" ticks or clears every record box of the page that
// names that form. Delegated, so it keeps working after htmx swaps the table.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-pick-all]");
  if (!all) return;
  const boxes = document.querySelectorAll(`input[name="record"][form="${all.dataset.pickAll}"]`);
  boxes.forEach((box) => { box.checked = all.checked; });
});
