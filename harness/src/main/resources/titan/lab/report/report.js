/* Optional behaviour: the page reads the same without it. The legend's outcome buttons hide or
   show that outcome's dots and throughput line. */
(function () {
  Array.prototype.forEach.call(document.querySelectorAll('ul.legend button.toggle'), function (button) {
    button.addEventListener('click', function () {
      var outcome = button.getAttribute('data-outcome');
      var shown = button.getAttribute('aria-pressed') !== 'true';
      button.setAttribute('aria-pressed', shown ? 'true' : 'false');
      Array.prototype.forEach.call(document.querySelectorAll('svg.chart'), function (chart) {
        chart.classList.toggle('hide-' + outcome, !shown);
      });
    });
  });
  document.body.setAttribute('data-report', 'ready');
}());
