// The commitment form: as a deadline phrase is typed, show how Pledgebook reads it (the same reader
// the importer and the save use), relative to the chosen meeting's date. Nothing is saved here.
(function (reader) {
  "use strict";
  const phrase = document.getElementById("id_due_phrase");
  if (!phrase || !reader) {
    return;
  }
  const summit = document.getElementById("id_summit");
  const shown = document.createElement("div");
  shown.className = "help pb-deadline-reading";
  shown.id = "pb-deadline-reading";
  shown.setAttribute("aria-live", "polite");
  phrase.insertAdjacentElement("afterend", shown);
  let timer = null;

  function read() {
    const params = new URLSearchParams({ phrase: phrase.value, summit: summit ? summit.value : "" });
    fetch(reader + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (reading) { shown.textContent = reading ? reading.text : ""; })
      .catch(function () { shown.textContent = ""; });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(read, 250);
  }

  phrase.addEventListener("input", later);
  if (summit) {
    summit.addEventListener("change", later);
  }
  if (phrase.value) {
    read();
  }
})(document.currentScript && document.currentScript.dataset.reader);
