// A canvas drawn in CSS pixels at the display's resolution; resized only when its box changes.

export const COLOURS = {
  ground: "#25272d", line: "#3a3d45", grid: "#30333a", text: "#f2f2f2", muted: "#b4b8bf",
  accent: "#4fc3a1", accentDim: "rgba(79, 195, 161, 0.35)", warn: "#ffb86b", hot: "#ff6b6b",
};

export class Surface {
  constructor(canvas) {
    this.canvas = canvas;
    // Opaque canvases are cheaper for the browser to composite.
    this.context = canvas.getContext("2d", { alpha: false });
    this.width = 0;
    this.height = 0;
    this.backdrop = null;
  }

  /**
   * Clears the canvas to a backdrop that `paint(context, width, height)` draws once per size
   * (grids, scales and labels), so each frame only draws what moves.
   */
  beginWithBackdrop(paint) {
    const context = this.begin();
    const ratio = window.devicePixelRatio || 1;
    if (!this.backdrop || this.backdrop.width !== this.canvas.width || this.backdrop.height !== this.canvas.height) {
      this.backdrop = document.createElement("canvas");
      this.backdrop.width = this.canvas.width;
      this.backdrop.height = this.canvas.height;
      const backdrop = this.backdrop.getContext("2d", { alpha: false });
      backdrop.setTransform(ratio, 0, 0, ratio, 0, 0);
      backdrop.fillStyle = COLOURS.ground;
      backdrop.fillRect(0, 0, this.width, this.height);
      paint(backdrop, this.width, this.height);
    }
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.drawImage(this.backdrop, 0, 0);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    return context;
  }

  /** Clears the canvas and returns its context scaled to CSS pixels (width and height on this). */
  begin() {
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width !== this.width || height !== this.height || this.canvas.width !== Math.round(width * ratio)) {
      this.width = width;
      this.height = height;
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
    }
    const context = this.context;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = COLOURS.ground;
    context.fillRect(0, 0, width, height);
    return context;
  }
}
