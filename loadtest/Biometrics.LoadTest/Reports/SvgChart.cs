using System.Globalization;
using System.Net;
using System.Text;

namespace Biometrics.LoadTest.Reports;

/// <summary>
/// Renders a line chart as a self-contained inline SVG element (no scripts, no fonts): axes with round ticks,
/// grid lines, one <c>polyline</c> per series (class <c>series</c>, with <c>data-series</c> and
/// <c>data-count</c> attributes), point markers with tooltips when there are few points, and a legend.
/// </summary>
public static class SvgChart
{
    private const int Width = 880, Height = 320, Left = 72, Right = 150, Top = 34, Bottom = 46;

    /// <summary>Renders the chart.</summary>
    /// <param name="title">Chart title.</param>
    /// <param name="xLabel">X axis label.</param>
    /// <param name="yLabel">Y axis label.</param>
    /// <param name="series">The lines.</param>
    /// <param name="yAxis">Y scale.</param>
    /// <param name="xTicks">Optional fixed x ticks (position, label), e.g. for percentile axes.</param>
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, ChartAxis yAxis = ChartAxis.Linear,
        IReadOnlyList<(double X, string Label)>? xTicks = null)
    {
        var all = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var sb = new StringBuilder();
        sb.Append(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{E(title)}\">"));
        sb.Append(I($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        sb.Append(I($"<text x=\"{Left}\" y=\"20\" class=\"title\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">{E(title)}</text>"));
        if (all.Count == 0)
        {
            sb.Append(I($"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" fill=\"#888\">no data</text></svg>"));
            return sb.ToString();
        }

        double x0 = all.Min(p => p.X), x1 = all.Max(p => p.X);
        if (xTicks is { Count: > 0 })
        {
            x0 = Math.Min(x0, xTicks.Min(t => t.X));
            x1 = Math.Max(x1, xTicks.Max(t => t.X));
        }

        if (x1 <= x0)
        {
            x1 = x0 + 1;
        }

        var log = yAxis == ChartAxis.Log;
        double y0, y1;
        List<(double Value, string Label)> yTicks;
        if (log)
        {
            var positive = all.Where(p => p.Y > 0).Select(p => p.Y).DefaultIfEmpty(1).ToList();
            y0 = Math.Pow(10, Math.Floor(Math.Log10(positive.Min())));
            y1 = Math.Pow(10, Math.Ceiling(Math.Log10(positive.Max())));
            if (y1 <= y0)
            {
                y1 = y0 * 10;
            }

            yTicks = [];
            for (var d = y0; d <= y1 * 1.0001; d *= 10)
            {
                yTicks.Add((d, Number(d)));
            }
        }
        else
        {
            y0 = Math.Min(0, all.Min(p => p.Y));
            var step = NiceStep((all.Max(p => p.Y) - y0) / 5);
            y1 = Math.Max(step, Math.Ceiling(all.Max(p => p.Y) / step) * step);
            yTicks = [];
            for (var v = y0; v <= y1 + (step / 2); v += step)
            {
                yTicks.Add((v, Number(v)));
            }
        }

        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Px(double x) => Left + ((x - x0) / (x1 - x0) * plotW);
        double Py(double y)
        {
            var f = log ? (Math.Log10(Math.Max(y, y0)) - Math.Log10(y0)) / (Math.Log10(y1) - Math.Log10(y0)) : (y - y0) / (y1 - y0);
            return Top + plotH - (Math.Clamp(f, 0, 1) * plotH);
        }

        // Grid and axes.
        sb.Append("<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">");
        foreach (var (v, _) in yTicks)
        {
            sb.Append(I($"<line x1=\"{Left}\" x2=\"{Left + plotW:0.#}\" y1=\"{Py(v):0.#}\" y2=\"{Py(v):0.#}\"/>"));
        }

        var xs = xTicks?.ToList() ?? LinearTicks(x0, x1);
        foreach (var (x, _) in xs)
        {
            sb.Append(I($"<line x1=\"{Px(x):0.#}\" x2=\"{Px(x):0.#}\" y1=\"{Top}\" y2=\"{Top + plotH:0.#}\"/>"));
        }

        sb.Append("</g>");
        sb.Append(I($"<g class=\"axes\" stroke=\"#555\" stroke-width=\"1\"><line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + plotH:0.#}\"/><line x1=\"{Left}\" x2=\"{Left + plotW:0.#}\" y1=\"{Top + plotH:0.#}\" y2=\"{Top + plotH:0.#}\"/></g>"));
        sb.Append("<g class=\"ticks\" font-size=\"11\" fill=\"#444\">");
        foreach (var (v, label) in yTicks)
        {
            sb.Append(I($"<text x=\"{Left - 6}\" y=\"{Py(v) + 4:0.#}\" text-anchor=\"end\">{E(label)}</text>"));
        }

        foreach (var (x, label) in xs)
        {
            sb.Append(I($"<text x=\"{Px(x):0.#}\" y=\"{Top + plotH + 16:0.#}\" text-anchor=\"middle\">{E(label)}</text>"));
        }

        sb.Append("</g>");
        sb.Append(I($"<text x=\"{Left + (plotW / 2):0.#}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#333\">{E(xLabel)}</text>"));
        sb.Append(I($"<text transform=\"translate(16 {Top + (plotH / 2):0.#}) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#333\">{E(yLabel)}</text>"));

        // Series.
        var legendY = Top + 6;
        foreach (var s in series)
        {
            var pts = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            sb.Append(I($"<polyline class=\"series\" data-series=\"{E(s.Name)}\" data-count=\"{pts.Count}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\""));
            foreach (var (x, y) in pts)
            {
                sb.Append(I($"{Px(x):0.#},{Py(y):0.#} "));
            }

            sb.Append("\"/>");
            if (pts.Count <= 120)
            {
                sb.Append(I($"<g class=\"markers\" fill=\"{s.Color}\">"));
                foreach (var (x, y) in pts)
                {
                    sb.Append(I($"<circle cx=\"{Px(x):0.#}\" cy=\"{Py(y):0.#}\" r=\"2.5\"><title>{E(s.Name)}: {Number(y)} at {Number(x)}</title></circle>"));
                }

                sb.Append("</g>");
            }

            sb.Append(I($"<g class=\"legend\"><line x1=\"{Width - Right + 14}\" x2=\"{Width - Right + 38}\" y1=\"{legendY}\" y2=\"{legendY}\" stroke=\"{s.Color}\" stroke-width=\"3\"/><text x=\"{Width - Right + 44}\" y=\"{legendY + 4}\" font-size=\"12\" fill=\"#222\">{E(s.Name)}</text></g>"));
            legendY += 20;
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private static List<(double, string)> LinearTicks(double x0, double x1)
    {
        var step = NiceStep((x1 - x0) / 8);
        var list = new List<(double, string)>();
        for (var v = Math.Ceiling(x0 / step) * step; v <= x1 + (step / 1000); v += step)
        {
            list.Add((v, Number(v)));
        }

        return list;
    }

    private static double NiceStep(double raw)
    {
        if (raw <= 0 || !double.IsFinite(raw))
        {
            return 1;
        }

        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
    }

    private static string Number(double v)
    {
        var a = Math.Abs(v);
        return a >= 1e6 ? I($"{v / 1e6:0.##}M") : a >= 1e4 ? I($"{v / 1e3:0.#}k") : a >= 100 ? I($"{v:0}") : a >= 1 ? I($"{v:0.##}") : a == 0 ? "0" : I($"{v:0.####}");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
