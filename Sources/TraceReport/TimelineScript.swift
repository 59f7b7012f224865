/// The timeline's inline script: zoom with the wheel or the +/− buttons (around the pointer or the
/// centre), pan by dragging, Reset to see the whole window; the axis is redrawn with ticks and units
/// for the visible span. `#zoom=F` in the page's URL zooms every timeline F times around its centre
/// on load, `#zoom=F@R` around the point R (0…1) of its window (for links, screenshots and the
/// browser tests). Each timeline gets `data-ready="1"` when set up; the
/// page's root gets `data-error` if a script fails.
enum TimelineScript {
  static let source = """
    (function () {
      'use strict';
      window.addEventListener('error', function (e) { document.documentElement.setAttribute('data-error', String(e.message)); });
      var NS = 'http://www.w3.org/2000/svg';
      function step(span) {
        var s = Math.pow(10, Math.floor(Math.log10(Math.max(span, 1) / 10)));
        var ms = [1, 2, 5, 10];
        for (var i = 0; i < ms.length; i++) { if (span / (s * ms[i]) <= 10) { return s * ms[i]; } }
        return s * 10;
      }
      function label(ns, st) {
        var u = st >= 1e9 ? [1e9, 's'] : st >= 1e6 ? [1e6, 'ms'] : st >= 1e3 ? [1e3, '\\u00b5s'] : [1, 'ns'];
        var r = st / u[0], d = r >= 1 ? 0 : r >= 0.1 ? 1 : r >= 0.01 ? 2 : 3;
        return '+' + (ns / u[0]).toFixed(d) + ' ' + u[1];
      }
      function setup(svg) {
        var t0 = +svg.getAttribute('data-t0'), t1 = +svg.getAttribute('data-t1');
        var left = +svg.getAttribute('data-left'), plot = +svg.getAttribute('data-plot');
        var g = svg.querySelector('g.plot'), axis = svg.querySelector('g.axis');
        var v0 = t0, v1 = t1;
        function draw() {
          var k = (t1 - t0) / (v1 - v0), e = left - left * k - (v0 - t0) / (t1 - t0) * plot * k;
          g.setAttribute('transform', 'matrix(' + k + ' 0 0 1 ' + e + ' 0)');
          Array.prototype.slice.call(axis.querySelectorAll('g.tick')).forEach(function (n) { n.remove(); });
          var span = v1 - v0, st = step(span), first = Math.ceil((v0 - t0) / st) * st;
          for (var t = first; t <= v1 - t0 + 1e-6; t += st) {
            var px = left + plot * (t - (v0 - t0)) / span;
            var tick = document.createElementNS(NS, 'g'), l = document.createElementNS(NS, 'line');
            var tx = document.createElementNS(NS, 'text');
            tick.setAttribute('class', 'tick');
            l.setAttribute('x1', px); l.setAttribute('x2', px); l.setAttribute('y1', 0); l.setAttribute('y2', 5);
            tx.setAttribute('x', px); tx.setAttribute('y', 17); tx.textContent = label(t, st);
            tick.appendChild(l); tick.appendChild(tx); axis.appendChild(tick);
          }
          svg.setAttribute('data-view', Math.round(v0 - t0) + ' ' + Math.round(v1 - t0));
        }
        function zoom(f, at) {
          var c = at === undefined ? (v0 + v1) / 2 : at, span = (v1 - v0) / f;
          span = Math.min(Math.max(span, 1000), t1 - t0);
          v0 = Math.max(t0, c - (c - v0) / (v1 - v0) * span); v1 = Math.min(t1, v0 + span); v0 = v1 - span;
          draw();
        }
        function timeAt(clientX) {
          var r = svg.getBoundingClientRect(), px = (clientX - r.left) * (svg.viewBox.baseVal.width / r.width);
          return v0 + (px - left) / plot * (v1 - v0);
        }
        svg.addEventListener('wheel', function (e) { e.preventDefault(); zoom(e.deltaY < 0 ? 1.5 : 1 / 1.5, timeAt(e.clientX)); }, { passive: false });
        var dragX = null;
        svg.addEventListener('mousedown', function (e) { dragX = e.clientX; });
        window.addEventListener('mouseup', function () { dragX = null; });
        svg.addEventListener('mousemove', function (e) {
          if (dragX === null) return;
          var r = svg.getBoundingClientRect(), d = (e.clientX - dragX) * (svg.viewBox.baseVal.width / r.width) / plot * (v1 - v0);
          dragX = e.clientX;
          var span = v1 - v0;
          v0 = Math.min(Math.max(t0, v0 - d), t1 - span); v1 = v0 + span; draw();
        });
        var bar = svg.previousElementSibling;
        if (bar && bar.classList.contains('zoombar')) {
          bar.querySelector('.in').addEventListener('click', function () { zoom(2); });
          bar.querySelector('.out').addEventListener('click', function () { zoom(0.5); });
          bar.querySelector('.reset').addEventListener('click', function () { v0 = t0; v1 = t1; draw(); });
        }
        var m = /zoom=([0-9.]+)(?:@([0-9.]+))?/.exec(window.location.hash);
        if (m) { zoom(+m[1], m[2] === undefined ? undefined : t0 + +m[2] * (t1 - t0)); } else { draw(); }
        svg.setAttribute('data-ready', '1');
      }
      Array.prototype.slice.call(document.querySelectorAll('svg.timeline')).forEach(setup);
      document.documentElement.setAttribute('data-ready', '1');
    })();
    """
}
