/* Search as you type for a long <select> (shequ.widgets.SearchSelect). The select stays in the
   form and keeps the value; this only replaces scrolling through hundreds of options with a
   text box that asks the server for at most 20 rows the user may see. No framework. */
(function () {
  "use strict";
  if (window.shequSearchSelect) return;
  window.shequSearchSelect = true;

  const DELAY_MS = 250;

  function enhance(root) {
    if (root.dataset.enhanced) return;
    root.dataset.enhanced = "1";
    const select = root.querySelector("select");
    const input = root.querySelector(".search-select-input");
    const list = root.querySelector(".search-select-results");
    const status = root.querySelector(".search-select-status");
    let timer = null;
    let asked = 0;

    input.id = select.id + "_search";
    const label = document.querySelector('label[for="' + select.id + '"]');
    if (label) label.htmlFor = input.id;
    if (select.classList.contains("is-invalid")) input.classList.add("is-invalid");
    const chosen = select.selectedOptions[0];
    input.value = chosen && chosen.value ? chosen.text : "";
    select.hidden = true;
    input.hidden = false;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
    }

    function pick(value, text) {
      let option = Array.from(select.options).find((o) => o.value === String(value));
      if (!option) {
        option = new Option(text, value);
        select.add(option);
      }
      select.value = String(value);
      input.value = text;
      status.textContent = "";
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(results) {
      list.replaceChildren();
      results.forEach((result) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action";
        button.setAttribute("role", "option");
        button.textContent = result.label;
        button.addEventListener("click", () => pick(result.value, result.label));
        list.append(button);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(results.length > 0));
      status.textContent = results.length ? "" : root.dataset.none;
    }

    async function search(text) {
      const ticket = ++asked;
      const url = root.dataset.searchUrl + "?q=" + encodeURIComponent(text);
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        if (ticket === asked) show(data.results);
      } catch (error) {
        if (ticket === asked) status.textContent = root.dataset.failed;
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (!text) {
        select.value = "";
        status.textContent = "";
        close();
        return;
      }
      timer = setTimeout(() => search(text), DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      const first = list.querySelector("button");
      if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Enter") {
        // Enter picks the first match instead of submitting a half-filled form.
        event.preventDefault();
        if (first) first.click();
      } else if (event.key === "Escape") {
        close();
      }
    });
    list.addEventListener("keydown", (event) => {
      const current = document.activeElement;
      if (event.key === "ArrowDown" && current.nextElementSibling) {
        event.preventDefault();
        current.nextElementSibling.focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (current.previousElementSibling || input).focus();
      } else if (event.key === "Escape") {
        close();
        input.focus();
      }
    });
  }

  function enhanceAll(scope) {
    scope.querySelectorAll(".search-select").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => enhanceAll(document));
  } else {
    enhanceAll(document);
  }
  document.addEventListener("htmx:load", (event) => enhanceAll(event.target));
})();
