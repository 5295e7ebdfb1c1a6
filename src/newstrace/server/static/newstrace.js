/* newstrace: draws the story timeline, the copy graph and the actor network as SVG from the JSON data blocks
   that pages carry. Pages read fully without this file. Text is set with textContent only, never as markup. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function label(parent, x, y, text, anchor) {
    var t = el("text", { x: x, y: y, "text-anchor": anchor || "middle" }, parent);
    t.textContent = String(text == null ? "" : text).slice(0, 40);
    return t;
  }

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function svg(container, w, h) {
    var s = el("svg", { viewBox: "0 0 " + w + " " + h, role: "img" });
    container.appendChild(s);
    var defs = el("defs", {}, s);
    var m = el("marker", { id: container.id + "-arrow", viewBox: "0 0 10 10", refX: 16, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#999" }, m);
    return s;
  }

  function dayOf(value) {
    var t = Date.parse(value || "");
    return isNaN(t) ? null : t;
  }

  /* Reports on a time axis: one dot per report, green when independent, grey when it copies another. */
  function timeline(data) {
    var box = document.getElementById("timeline-chart");
    if (!box || !data || !data.nodes.length) return;
    var W = 720, H = 60 + 22 * data.nodes.length, left = 150, right = 40;
    var times = data.nodes.map(function (n) { return dayOf(n.published); }).filter(function (t) { return t !== null; });
    var lo = Math.min.apply(null, times.length ? times : [0]), hi = Math.max.apply(null, times.length ? times : [1]);
    if (hi === lo) { hi = lo + 86400000; }
    var s = svg(box, W, H);
    el("line", { x1: left, y1: H - 25, x2: W - right, y2: H - 25, class: "edge" }, s);
    label(s, left, H - 8, times.length ? new Date(lo).toISOString().slice(0, 10) : "undated", "start");
    label(s, W - right, H - 8, times.length ? new Date(hi).toISOString().slice(0, 10) : "", "end");
    data.nodes.forEach(function (n, i) {
      var t = dayOf(n.published), y = 20 + 22 * i;
      var x = t === null ? left : left + (W - left - right) * (t - lo) / (hi - lo);
      label(s, left - 10, y + 4, n.label, "end");
      el("circle", { cx: x, cy: y, r: 6, class: n.independent ? "node-independent" : "node-copy" }, s);
    });
  }

  /* Nodes on a circle with arrows from the copy to the article it copies. */
  function graph(boxId, data, hrefFor) {
    var box = document.getElementById(boxId);
    if (!box || !data || !data.nodes.length) return;
    var W = 640, H = 360, cx = W / 2, cy = H / 2, r = Math.min(W, H) / 2 - 50;
    var s = svg(box, W, H), pos = {};
    var ring = data.nodes.filter(function (n) { return !n.center; });
    data.nodes.forEach(function (n) { if (n.center) pos[n.id] = { x: cx, y: cy }; });
    ring.forEach(function (n, i) {
      var a = 2 * Math.PI * i / ring.length - Math.PI / 2;
      pos[n.id] = { x: ring.length === 1 && data.nodes.length === 1 ? cx : cx + r * Math.cos(a),
                    y: ring.length === 1 && data.nodes.length === 1 ? cy : cy + r * Math.sin(a) };
    });
    data.edges.forEach(function (e) {
      var a = pos[e.source], b = pos[e.target];
      if (!a || !b) return;
      el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "edge",
        "marker-end": "url(#" + boxId + "-arrow)", "stroke-width": Math.min(1 + (e.weight || 1), 5) }, s);
    });
    data.nodes.forEach(function (n, i) {
      var p = pos[n.id], g = el("g", {}, s);
      var link = hrefFor ? el("a", { href: hrefFor(n) }, g) : g;
      el("circle", { cx: p.x, cy: p.y, r: n.center ? 11 : 8,
        class: n.independent === false ? "node-copy" : "node-independent" }, link);
      label(link, p.x, p.y - 13, n.label);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var story = readJSON("story-data");
    if (story) {
      timeline(story);
      graph("copy-graph-chart", story, function (n) { return "/articles/" + encodeURIComponent(n.id); });
    }
    var net = readJSON("network-data");
    if (net && net.nodes.length > 1) {
      net.nodes[0].center = true;
      graph("network-chart", net, function (n) { return "/entities/" + encodeURIComponent(n.id); });
    }
  });
})();
