using System.Globalization;
using Biometrics.Testing;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using Xunit.Abstractions;

namespace Biometrics.Vision.Tests.Face;

/// <summary>
/// Establishes which fr_liveness class means "live": real photos against recaptured-looking copies of the same photos
/// (shown small on a dark "screen" frame, blurred by down/up-sampling, with a moire grid, lower contrast and a blue cast).
/// </summary>
[Collection(FaceCollection.Name)]
public sealed class LivenessExperimentTests(FacePipelineFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Photos =
        ["img1.jpg", "img2.jpg", "img3.jpg", "img4.jpg", "img5.jpg", "img6.jpg", "img7.jpg", "img8.jpg", "img9.jpg", "img10.jpg",
         "img11.jpg", "img12.jpg", "img13.jpg", "img14.jpg", "img15.jpg", "img16.jpg", "img17.jpg", "img18.jpg", "img19.jpg", "img20.jpg"];

    [Fact]
    public void Liveness_RealVersusRecaptured_LiveClassScoresHigherOnReal()
    {
        var liveness = fixture.Pipeline.Liveness!;
        var real = new double[3];
        var fake = new double[3];
        int n = 0, realWins = 0;
        foreach (var photo in Photos)
        {
            using var image = Image.Load(SharedFiles.Face("deepface", photo));
            using var recaptured = Recapture(image);
            var realBox = fixture.Pipeline.Detector.Detect(image);
            var fakeBox = fixture.Pipeline.Detector.Detect(recaptured);
            if (realBox.Count == 0 || fakeBox.Count == 0)
            {
                continue;
            }

            var r = liveness.Evaluate(image, realBox[0]);
            var f = liveness.Evaluate(recaptured, fakeBox[0]);
            for (var k = 0; k < 3; k++)
            {
                real[k] += r.Probabilities[k];
                fake[k] += f.Probabilities[k];
            }

            n++;
            realWins += r.LiveScore > f.LiveScore ? 1 : 0;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{photo}: real [{r.Probabilities[0]:F3} {r.Probabilities[1]:F3} {r.Probabilities[2]:F3}]  recaptured [{f.Probabilities[0]:F3} {f.Probabilities[1]:F3} {f.Probabilities[2]:F3}]"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mean over {n}: real [{real[0] / n:F3} {real[1] / n:F3} {real[2] / n:F3}]  recaptured [{fake[0] / n:F3} {fake[1] / n:F3} {fake[2] / n:F3}]; live class {LivenessDetector.DefaultLiveClassIndex} higher on the real photo in {realWins}/{n}"));
        Assert.True(n >= 15, $"only {n} photos usable");
        var live = LivenessDetector.DefaultLiveClassIndex;
        Assert.True(real[live] > fake[live] + 0.1, "the live class should score clearly higher on real photos than on recaptured copies");
        Assert.True(realWins * 10 >= n * 6, $"the live class won only {realWins}/{n} real-versus-copy pairs");
    }

    /// <summary>A photo-of-a-screen-like copy: the picture shrunk onto a dark bezel, blurred, moire, low contrast, blue cast.</summary>
    internal static Image Recapture(Image source)
    {
        var w = source.Width;
        var h = source.Height;
        using var small = source.Resize(Math.Max(8, w * 7 / 20), Math.Max(8, h * 7 / 20), Interpolation.Area);
        using var soft = small.Resize(w * 7 / 10, h * 7 / 10);
        var canvas = new byte[w * h * 3];
        for (var i = 0; i < canvas.Length; i += 3)
        {
            canvas[i] = 40;
            canvas[i + 1] = 30;
            canvas[i + 2] = 30;
        }

        var ox = (w - soft.Width) / 2;
        var oy = (h - soft.Height) / 2;
        var pixels = soft.Pixels;
        for (var y = 0; y < soft.Height; y++)
        {
            for (var x = 0; x < soft.Width; x++)
            {
                var moire = 1.0 + 0.12 * Math.Sin((x * 0.9) + (y * 0.35)) * Math.Sin(y * 0.8);
                var s = y * soft.Stride + x * soft.Channels;
                var d = ((oy + y) * w + ox + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    var v = soft.Channels == 3 ? pixels[s + c] : pixels[s];
                    var contrast = 60 + v * 0.65;
                    var cast = c == 0 ? 1.15 : c == 2 ? 0.9 : 1.0;
                    canvas[d + c] = (byte)Math.Clamp(contrast * cast * moire, 0, 255);
                }
            }
        }

        return Image.FromPixels(canvas, w, h, 3);
    }
}
