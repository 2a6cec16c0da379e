/* Optional behaviour: the page reads the same without it. Text is set with textContent only. */
(function () {
  var timeline = document.getElementById('timeline');
  var details = document.getElementById('details');
  if (timeline) {
    /* Start scrolled to the failure (or the end of the order found), right of centre, and if it
       fits also to the last operation of the order found, where the dashed line starts; and
       down to its lane when there are more lanes than fit, low in the box: lanes are in order
       of first call, so what led up to the focus lies above it and to the left. */
    var focus = timeline.querySelector('g.op.focus');
    var lanes = timeline.querySelector('svg.lanes');
    if (focus) {
      var width = timeline.clientWidth - (lanes ? lanes.getBoundingClientRect().width : 0);
      var x = Number(focus.getAttribute('data-x'));
      var from = Number(focus.getAttribute('data-from'));
      var left = x - width * 0.55;
      if (from < left + 60) {
        left = Math.max(from - 60, x - width + 240);
      }
      timeline.scrollLeft = Math.max(0, left);
      timeline.scrollTop = Math.max(0, Number(focus.getAttribute('data-y')) - timeline.clientHeight * 0.8);
    }
    /* Keep each bar's label in view while the chart scrolls sideways: a bar that starts left of
       the visible part shows its label at the visible edge, as far as the bar allows. */
    var labels = [];
    Array.prototype.forEach.call(timeline.querySelectorAll('g.op'), function (op) {
      var bar = op.querySelector('rect');
      var text = op.querySelector('text');
      if (bar && text) {
        labels.push({ text: text, x: bar.x.baseVal.value, width: bar.width.baseVal.value,
          length: text.getComputedTextLength() });
      }
    });
    var pending = false;
    function placeLabels() {
      pending = false;
      var edge = timeline.scrollLeft + 5;
      labels.forEach(function (label) {
        var most = label.x + label.width - label.length - 4;
        var x = Math.max(label.x + 5, Math.min(edge, most));
        label.text.setAttribute('x', String(x));
      });
    }
    timeline.addEventListener('scroll', function () {
      if (!pending) {
        pending = true;
        window.requestAnimationFrame(placeLabels);
      }
    });
    placeLabels();
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
