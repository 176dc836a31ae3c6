using System.Globalization;
using System.Security.Cryptography;
using Biometrics.Vision.Imaging;

namespace Biometrics.Benchmarks.Vision;

/// <summary>
/// <c>imaging-check [--iterations N] [images...]</c>: decodes each photo (default: every shared deepface photo), resizes
/// it (bilinear to 640 wide, area to 112x112) and warps it (a rotated, scaled 112x112 crop), prints a SHA-256 prefix of
/// each result's pixels and the median CPU time of each step on the calling thread; then writes and reads back a
/// 150-frame MJPG video. Only the public Vision API is used, so the same file builds against an older implementation:
/// equal hashes mean identical pixels. Run with <c>OPENCV_FOR_THREADS_NUM=1</c> so OpenCV computes on the calling thread and the CPU clock sees all of its work.
/// </summary>
public static class ImagingCheck
{
    public static int Run(string[] args)
    {
        var iterations = 5;
        var images = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--iterations")
            {
                iterations = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                images.Add(args[i]);
            }
        }

        if (images.Count == 0)
        {
            images.AddRange(Directory.GetFiles(Path.Combine(FaceBenchImages.SharedFaces(), "deepface"), "*.jpg").Order(StringComparer.Ordinal));
        }

        double decodeTotal = 0, resizeTotal = 0, warpTotal = 0;
        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Console.WriteLine($"{"image",-28}{"size",-11}{"decode",-14}{"resize640",-14}{"area112",-14}{"warp112",-14}{"ms decode",10}{"ms resize",10}{"ms warp",9}");
        foreach (var path in images)
        {
            var bytes = File.ReadAllBytes(path);
            var decode = new double[iterations];
            var resize = new double[iterations];
            var warp = new double[iterations];
            string[] hashes = [];
            for (var it = 0; it < iterations; it++)
            {
                var t0 = ThreadCpuClock.NowMs();
                using var image = Image.Decode(bytes);
                var t1 = ThreadCpuClock.NowMs();
                using var wide = image.Resize(640, Math.Max(1, (int)Math.Round(image.Height * 640.0 / image.Width)));
                using var small = image.Resize(112, 112, Interpolation.Area);
                var t2 = ThreadCpuClock.NowMs();
                // Rotate by 10 degrees and scale the central square of the photo into 112x112.
                var s = 112.0 / Math.Min(image.Width, image.Height);
                double a = s * Math.Cos(Math.PI / 18), b = s * Math.Sin(Math.PI / 18);
                double cx = image.Width / 2.0, cy = image.Height / 2.0;
                using var warped = image.WarpAffine([a, -b, 56 - (a * cx) + (b * cy), b, a, 56 - (b * cx) - (a * cy)], 112, 112);
                var t3 = ThreadCpuClock.NowMs();
                (decode[it], resize[it], warp[it]) = (t1 - t0, t2 - t1, t3 - t2);
                if (it == 0)
                {
                    hashes = [Hash(image, all), Hash(wide, all), Hash(small, all), Hash(warped, all)];
                    Console.Write($"{Path.GetFileName(path),-28}{$"{image.Width}x{image.Height}",-11}{hashes[0],-14}{hashes[1],-14}{hashes[2],-14}{hashes[3],-14}");
                }
            }

            var (d, r, w) = (Median(decode), Median(resize), Median(warp));
            (decodeTotal, resizeTotal, warpTotal) = (decodeTotal + d, resizeTotal + r, warpTotal + w);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d,10:F2}{r,10:F2}{w,9:F2}"));
        }

        var (write, read, frames) = TimeVideo(images[0], all);
        Console.WriteLine($"all pixels: {Convert.ToHexStringLower(all.GetHashAndReset())[..16]}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"video: {frames} frames 640x480 MJPG .avi, thread CPU ms per frame: write {write:F2}, read {read:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total over {images.Count} images (median of {iterations}, thread CPU ms): decode {decodeTotal:F1}, resize {resizeTotal:F1}, warp {warpTotal:F1}, sum {decodeTotal + resizeTotal + warpTotal:F1}"));
        return 0;
    }

    /// <summary>Writes 150 frames of a photo, each shifted by a pixel, as a 640x480 MJPG .avi, then reads them back.</summary>
    private static (double WriteMs, double ReadMs, int Frames) TimeVideo(string photo, IncrementalHash all)
    {
        const int Frames = 150;
        var path = Path.Combine(Path.GetTempPath(), $"imaging-check-{Environment.ProcessId}.avi");
        try
        {
            using var source = Image.Load(photo);
            using var scaled = source.Resize(700, 540);
            double writeMs = 0, readMs = 0;
            using (var writer = new VideoWriter(path, 10, 640, 480))
            {
                for (var i = 0; i < Frames; i++)
                {
                    using var frame = scaled.Crop(i % 60, i % 60, 640, 480);
                    var t0 = ThreadCpuClock.NowMs();
                    writer.Write(frame);
                    writeMs += ThreadCpuClock.NowMs() - t0;
                }
            }

            using var capture = VideoCapture.Open(path);
            var n = 0;
            while (true)
            {
                var t0 = ThreadCpuClock.NowMs();
                using var frame = capture.Read();
                readMs += ThreadCpuClock.NowMs() - t0;
                if (frame is null)
                {
                    break;
                }

                all.AppendData(frame.Pixels);
                n++;
            }

            return (writeMs / Frames, readMs / Math.Max(1, n), n);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Hash(Image image, IncrementalHash all)
    {
        all.AppendData(image.Pixels);
        return Convert.ToHexStringLower(SHA256.HashData(image.Pixels))[..12];
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
