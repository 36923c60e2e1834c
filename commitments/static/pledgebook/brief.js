// The brief's Print button (a file, not an inline script: the content security policy allows only these).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("pb-print");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
