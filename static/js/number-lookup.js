// Whole ID or phone numbers never travel in a URL: the list's search box is a GET (its text
// reaches the address bar, the history and the web server's log), so when it holds something
// that looks like a number (letters and digits only, at least five digits; the same rule as
// shequ.personal_data.is_number_query) no GET is sent while typing, and submitting sends the
// number to the POST lookup form (#number-lookup) instead.
(function () {
  "use strict";

  function isNumberQuery(text) {
    var value = (text || "").normalize("NFKC").replace(/\s+/g, "");
    return /^[0-9A-Za-z]+$/.test(value) && (value.match(/[0-9]/g) || []).length >= 5;
  }

  function searchBox(form) {
    return form && form.querySelector ? form.querySelector('input[name="q"]') : null;
  }

  function lookUp(box) {
    var lookup = document.getElementById("number-lookup");
    if (!lookup) {
      return;
    }
    lookup.elements.number.value = box.value;
    box.value = "";
    lookup.requestSubmit();
  }

  // Enter or the 筛选 button: caught before htmx (whose listener is on the form) sees it.
  document.addEventListener(
    "submit",
    function (event) {
      var box = searchBox(event.target);
      if (box && isNumberQuery(box.value)) {
        event.preventDefault();
        event.stopPropagation();
        lookUp(box);
      }
    },
    true
  );

  // Typing, or changing another filter while the box holds a number: no request at all.
  document.addEventListener("htmx:confirm", function (event) {
    var box = searchBox(event.detail.elt);
    if (box && isNumberQuery(box.value)) {
      event.preventDefault();
    }
  });

  // The lookup form itself: once sent, the number leaves the page.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "number-lookup") {
      event.detail.elt.elements.number.value = "";
    }
  });
})();
