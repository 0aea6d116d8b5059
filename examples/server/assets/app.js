// iorules page: a little plain JavaScript on top of a form that works
// without it. Picking a sample or a file fills the text area; Ctrl+Enter
// submits; after a submit, focus moves to the problems or the result.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("form");
  var text = document.getElementById("shipment");
  var sample = document.getElementById("sample");
  var file = document.getElementById("file");
  var status = document.getElementById("status");
  if (!form || !text) { return; }

  function say(msg) { if (status) { status.textContent = msg; } }

  if (sample) {
    sample.addEventListener("change", function () {
      if (!sample.value) { return; }
      say("Loading " + sample.value + "…");
      fetch("/samples/" + encodeURIComponent(sample.value))
        .then(function (r) { if (!r.ok) { throw new Error(r.status + " " + r.statusText); } return r.text(); })
        .then(function (body) { text.value = body; say("Loaded " + sample.value + " into the text area."); })
        .catch(function (err) { say("Could not load the sample: " + err.message); });
    });
  }

  if (file) {
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) { return; }
      f.text().then(function (body) {
        text.value = body;
        // The text area now holds the file, edits included: send that.
        file.value = "";
        say("Loaded " + f.name + " into the text area.");
      }, function (err) { say("Could not read the file: " + err.message); });
    });
  }

  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", function () { say("Evaluating…"); });

  var target = document.getElementById("field-errors") || document.getElementById("result-title");
  if (target) { target.focus(); }
});
