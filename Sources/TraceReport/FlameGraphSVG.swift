import Foundation
import TraceFold

/// Draws a ``FlameTree`` as an interactive, self-contained SVG flame graph (no fonts, styles or
/// scripts from outside), laid out as flamegraph.pl lays it out: the whole profile at the bottom,
/// each frame on top of its caller, as wide as its share of the weight, children ordered by name.
/// Frames get warm colours from a hash of their name; in a differential tree they are red where
/// the weight grew and blue where it shrank (difffolded.pl + flamegraph.pl), deeper for bigger
/// changes. Every frame's tooltip names its weight and share; see ``FlameGraphScript`` for zoom
/// and search.
public enum FlameGraphSVG {
  /// What the graph says about itself.
  public struct Options: Sendable {
    /// The title on top.
    public var title = "Flame Graph"
    /// A smaller line under the title (e.g. the input file).
    public var subtitle = ""
    /// The weights' unit in tooltips: `samples`, `us`, ...
    public var unit = "samples"
    /// Width in pixels (the SVG scales to its container through its viewBox).
    public var width = 1200
    /// Height of one frame in pixels.
    public var frameHeight = 16
    /// Frames narrower than this (pixels) are left out, as flamegraph.pl's --minwidth.
    public var minWidth = 0.1

    /// The defaults.
    public init() {}
  }

  private static let fontSize = 12.0
  private static let pad = 10.0

  /// The SVG document of `tree` (an `<svg>` element that works standalone and inline in HTML).
  public static func render(_ tree: FlameTree, options: Options = Options()) -> String {
    var tree = tree
    tree.sortChildren()
    let total = max(tree.total, 1)
    let width = Double(options.width)
    let scale = (width - 2 * pad) / Double(total)
    let minValue = options.minWidth / scale
    let frameHeight = Double(options.frameHeight)
    let top = fontSize * 3 + (options.subtitle.isEmpty ? 0 : fontSize + 4)
    let bottom = fontSize * 2 + 10

    // Visible frames and their starts, depth first.
    var placed: [(node: Int, start: Int64)] = []
    var omitted = 0
    var stack: [(Int, Int64)] = [(0, 0)]
    while let (i, start) = stack.popLast() {
      let n = tree.nodes[i]
      if Double(n.value) < minValue || n.value <= 0 {
        omitted += 1
        continue
      }
      placed.append((i, start))
      var childStart = start
      var children: [(Int, Int64)] = []
      for c in n.children {
        children.append((c, childStart))
        childStart += tree.nodes[c].value
      }
      stack += children.reversed()
    }
    let depth = placed.map { tree.nodes[$0.node].depth }.max() ?? 0
    let height = top + Double(depth + 1) * frameHeight + bottom
    let maxDelta = tree.isDifferential ? tree.nodes.map { abs($0.value - $0.before) }.max() ?? 0 : 0

    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" class="flamegraph" version="1.1" width="\(options.width)" \
      height="\(Int(height))" viewBox="0 0 \(options.width) \(Int(height))" data-width="\(options.width)" \
      data-pad="\(Int(pad))" data-font="\(Int(fontSize))" data-total="\(total)" data-unit="\(xml(options.unit))" \
      data-frames="\(placed.count)" data-omitted="\(omitted)" data-differential="\(tree.isDifferential)">
      <style>
      .flamegraph text { font: \(Int(fontSize))px ui-monospace, Menlo, monospace; fill: #000; }
      .flamegraph .title { font-size: 17px; text-anchor: middle; } .flamegraph .sub { fill: #555; text-anchor: middle; }
      .flamegraph .button { cursor: pointer; fill: #225; } .flamegraph .hide { display: none; }
      .flamegraph g.f { cursor: pointer; } .flamegraph g.f text { pointer-events: none; }
      .flamegraph g.f:hover rect { stroke: #000; stroke-width: 0.5; }
      .flamegraph g.h { display: none; } .flamegraph g.p rect { opacity: 0.5; }
      .flamegraph g.m rect { fill: rgb(230,0,230); }
      </style>
      <rect x="0" y="0" width="\(options.width)" height="\(Int(height))" fill="#f8f8f0"/>
      <text class="title" x="\(Int(width / 2))" y="\(Int(fontSize * 2))">\(xml(options.title))</text>

      """
    if !options.subtitle.isEmpty {
      out +=
        "<text class=\"sub\" x=\"\(Int(width / 2))\" y=\"\(Int(fontSize * 3 + 2))\">\(xml(options.subtitle))</text>\n"
    }
    out += "<text class=\"button unzoom hide\" x=\"\(Int(pad))\" y=\"\(Int(fontSize * 2))\">Reset Zoom</text>\n"
    out += "<text class=\"button search\" x=\"\(Int(width - pad - 100))\" y=\"\(Int(fontSize * 2))\">Search</text>\n"
    out += "<text class=\"matched\" x=\"\(Int(width - pad - 100))\" y=\"\(Int(height - fontSize))\"></text>\n"
    out += "<text class=\"details\" x=\"\(Int(pad))\" y=\"\(Int(height - fontSize))\"> </text>\n"

    for (index, p) in placed.enumerated() {
      let n = tree.nodes[p.node]
      let name = p.node == 0 ? "all" : tree.name(of: p.node)
      let x = pad + Double(p.start) * scale
      let w = Double(n.value) * scale
      let y = height - bottom - Double(n.depth + 1) * frameHeight
      let fill = tree.isDifferential ? diffColour(n.value - n.before, max: maxDelta) : warmColour(name)
      let label = fitted(name, width: w)
      out += "<g class=\"f\" data-i=\"\(index)\" data-n=\"\(xml(name))\" data-s=\"\(p.start)\" data-v=\"\(n.value)\""
      out += " data-d=\"\(n.depth)\" data-x=\"\(fixed(x))\" data-w=\"\(fixed(w))\">"
      out +=
        "<title>\(xml(tooltip(name, n, total: total, unit: options.unit, differential: tree.isDifferential)))</title>"
      out += "<rect x=\"\(fixed(x))\" y=\"\(fixed(y))\" width=\"\(fixed(w))\" height=\"\(Int(frameHeight - 1))\""
      out += " rx=\"2\" fill=\"\(fill)\"/><text x=\"\(fixed(x + 3))\" y=\"\(fixed(y + frameHeight - 4.5))\">"
      out += "\(xml(label))</text></g>\n"
    }
    out += "<script><![CDATA[\n\(FlameGraphScript.source)\n]]></script>\n</svg>\n"
    return out
  }

  static func tooltip(_ name: String, _ n: FlameTree.Node, total: Int64, unit: String, differential: Bool) -> String {
    let share = percent(n.value, of: total)
    guard differential else { return "\(name) (\(n.value) \(unit), \(share))" }
    let delta = n.value - n.before
    let change = n.before > 0 ? String(format: "%+.1f%%", 100 * Double(delta) / Double(n.before)) : "new"
    return
      "\(name) (after \(n.value) \(unit), \(share); before \(n.before); change \(delta >= 0 ? "+" : "")\(delta), \(change))"
  }

  private static func percent(_ v: Int64, of total: Int64) -> String {
    String(format: "%.2f%%", 100 * Double(v) / Double(max(total, 1)))
  }

  /// The name cut to fit `width` pixels (`..` marks a cut), empty when under three characters fit.
  static func fitted(_ name: String, width: Double) -> String {
    let n = Int((width - 3) / (fontSize * 0.59))
    if n < 3 { return "" }
    if name.count <= n { return name }
    return String(name.prefix(n - 2)) + ".."
  }

  /// flamegraph.pl's "hot" palette, picked by a hash of the name so a frame keeps its colour.
  static func warmColour(_ name: String) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    let v1 = Double(h & 0xFFFF) / 65535
    let v2 = Double((h >> 16) & 0xFFFF) / 65535
    let v3 = Double((h >> 32) & 0xFFFF) / 65535
    return "rgb(\(205 + Int(50 * v3)),\(Int(230 * v1)),\(Int(55 * v2)))"
  }

  /// Red for growth, blue for shrinkage, white for no change; saturation grows with |delta|.
  static func diffColour(_ delta: Int64, max: Int64) -> String {
    guard delta != 0, max > 0 else { return "rgb(250,250,250)" }
    let fade = Int(210 * (1 - Double(abs(delta)) / Double(max)))
    return delta > 0 ? "rgb(255,\(fade),\(fade))" : "rgb(\(fade),\(fade),255)"
  }

  private static func fixed(_ v: Double) -> String { String(format: "%.1f", v) }

  static func xml(_ s: String) -> String {
    TextEscaping.html(s)
  }
}
