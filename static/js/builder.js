// The builder's only script of its own: reload the preview after a change, and move chosen
// items up or down inside a block's form (their order in the form is the order on the page).
document.addEventListener("previewRefresh", function () {
  var frame = document.getElementById("preview");
  if (frame) frame.contentWindow.location.reload();
});
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-move]");
  if (!button) return;
  event.preventDefault();
  var item = button.closest("li");
  if (button.dataset.move === "up" && item.previousElementSibling) {
    item.parentNode.insertBefore(item, item.previousElementSibling);
  } else if (button.dataset.move === "down" && item.nextElementSibling) {
    item.parentNode.insertBefore(item.nextElementSibling, item);
  }
  button.focus();
});
