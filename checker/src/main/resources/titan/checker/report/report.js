/* Optional behaviour: the page reads the same without it. Text is set with textContent only. */
(function () {
  var timeline = document.getElementById('timeline');
  var details = document.getElementById('details');
  if (timeline) {
    /* Start scrolled to the failure (or the end of the order found), right of centre, and if it
       fits also to the last operation of the order found, where the dashed line starts. */
    var focus = timeline.querySelector('g.op.focus');
    if (focus) {
      var x = Number(focus.getAttribute('data-x'));
      var from = Number(focus.getAttribute('data-from'));
      var left = x - timeline.clientWidth * 0.55;
      if (from < left + 60) {
        left = Math.max(from - 60, x - timeline.clientWidth + 240);
      }
      timeline.scrollLeft = Math.max(0, left);
    }
    timeline.addEventListener('click', function (event) {
      var op = event.target.closest ? event.target.closest('g.op') : null;
      if (!op || !details) {
        return;
      }
      var selected = timeline.querySelector('g.op.selected');
      if (selected) {
        selected.classList.remove('selected');
      }
      op.classList.add('selected');
      var title = op.querySelector('title');
      details.textContent = title ? title.textContent : '';
      details.classList.add('filled');
    });
  }
  document.body.setAttribute('data-timeline', timeline ? 'ready' : 'none');
}());
