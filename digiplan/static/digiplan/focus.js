// After "Flytta upp/ned" the page reloads at #move-up-N (or #move-down-N); focusing that button
// lets a keyboard user press it again at once instead of tabbing back through the page.
document.addEventListener("DOMContentLoaded", function () {
  var id = window.location.hash.slice(1);
  if (!/^move-(up|down)-\d+$/.test(id)) return;
  var target = document.getElementById(id);
  if (target && !target.disabled) target.focus();
});
