using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Biometrics.Vision;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Benchmarks.Vision;

/// <summary>
/// <c>face-compare [--iterations N] [--threads T] [--clock wall|cpu] [--embedder published|rewritten|int8] [images...]</c>: times each face stage per face in this process, runs
/// <c>loadtest/bench/opencv_dnn_pipeline.py</c> (OpenCV DNN, same models, images and preprocessing) under /usr/bin/python3,
/// and prints both side by side. Single-threaded on both sides by default. <c>--clock cpu</c> measures the CPU time of the
/// calling thread instead of wall time (both runtimes then compute on that thread), which stays meaningful on a loaded machine.
/// </summary>
public static class FaceStageComparison
{
    public static int Run(string[] args)
    {
        var iterations = 5;
        var threads = 1;
        var clock = "wall";
        var embedder = new FacePipelineOptions().EmbedderModel;
        var images = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--iterations": iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--clock": clock = args[++i]; break;
                case "--embedder": embedder = Enum.Parse<EmbedderModel>(args[++i], ignoreCase: true); break;
                default: images.Add(args[i]); break;
            }
        }

        if (images.Count == 0)
        {
            images.AddRange(FaceBenchImages.ComparisonSet());
        }

        if (clock is not ("wall" or "cpu"))
        {
            Console.Error.WriteLine("--clock is wall or cpu");
            return 2;
        }

        if (clock == "cpu" && threads != 1)
        {
            Console.Error.WriteLine("--clock cpu needs --threads 1 (work on other threads would not be counted)");
            return 2;
        }

        Func<double> now = clock == "cpu" ? ThreadCpuClock.NowMs : () => Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
        var ours = MeasureOurs(images, iterations, threads, embedder, now);
        var theirs = MeasureOpenCv(images, iterations, threads, clock);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"images {images.Count} x {iterations} iterations, {ours.Faces / iterations} faces per pass, {threads} thread(s), {clock} clock, embedder {embedder}"));
        Console.WriteLine($"{"stage",-22}{"ours (ORT 1.32)",18}{"opencv-dnn (py)",18}");
        foreach (var (name, key, perImage) in new[]
                 {
                     ("decode / image", "decode", true), ("detect / image", "detect", true), ("detect / face", "detect", false),
                     ("landmarks / face", "landmarks", false), ("align / face", "align", false), ("embed / face", "embed", false),
                     ("total / face", "total", false),
                 })
        {
            var mine = perImage ? ours.PerImage[key] : ours.PerFace[key];
            var other = theirs is null ? double.NaN : ReadStage(theirs.Value, perImage ? "ms_per_image" : "ms_per_face", key);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-22}{mine,15:F2} ms{other,15:F2} ms"));
        }

        return 0;
    }

    private static double ReadStage(JsonElement json, string group, string key) =>
        json.TryGetProperty(group, out var g) && g.TryGetProperty(key, out var v) ? v.GetDouble() : double.NaN;

    private sealed record Measurement(int Faces, Dictionary<string, double> PerImage, Dictionary<string, double> PerFace);

    private static Measurement MeasureOurs(List<string> images, int iterations, int threads, EmbedderModel embedder, Func<double> now)
    {
        using var pipeline = new FacePipeline(new FacePipelineOptions { EnableLiveness = false, IntraOpNumThreads = threads, EmbedderModel = embedder });
        var encoded = images.Select(File.ReadAllBytes).ToArray();
        var totals = new Dictionary<string, double> { ["decode"] = 0, ["detect"] = 0, ["landmarks"] = 0, ["align"] = 0, ["embed"] = 0 };
        int faces = 0, imageCount = 0;
        for (var it = 0; it <= iterations; it++)
        {
            foreach (var bytes in encoded)
            {
                var t0 = now();
                using var image = Image.Decode(bytes);
                var t1 = now();
                var boxes = pipeline.Detector.Detect(image);
                var t2 = now();
                double lm = 0, al = 0, em = 0;
                foreach (var box in boxes)
                {
                    var a = now();
                    var landmarks = pipeline.Landmarks.Detect(image, box);
                    var b = now();
                    using var aligned = FaceAligner.Align(image, FaceAligner.FivePoints(landmarks));
                    var c = now();
                    pipeline.Embedder.Embed(aligned);
                    var d = now();
                    lm += Ms(a, b);
                    al += Ms(b, c);
                    em += Ms(c, d);
                }

                if (it == 0)
                {
                    continue; // warm-up pass
                }

                imageCount++;
                faces += boxes.Count;
                totals["decode"] += Ms(t0, t1);
                totals["detect"] += Ms(t1, t2);
                totals["landmarks"] += lm;
                totals["align"] += al;
                totals["embed"] += em;
            }
        }

        var perImage = new Dictionary<string, double> { ["decode"] = totals["decode"] / imageCount, ["detect"] = totals["detect"] / imageCount };
        var perFace = new Dictionary<string, double>
        {
            ["detect"] = totals["detect"] / Math.Max(1, faces),
            ["landmarks"] = totals["landmarks"] / Math.Max(1, faces),
            ["align"] = totals["align"] / Math.Max(1, faces),
            ["embed"] = totals["embed"] / Math.Max(1, faces),
        };
        perFace["total"] = perFace.Values.Sum();
        return new Measurement(faces, perImage, perFace);
    }

    private static JsonElement? MeasureOpenCv(List<string> images, int iterations, int threads, string clock)
    {
        var script = Path.GetFullPath(Path.Combine(RuntimeDependencies.Root ?? ".", "..", "loadtest", "bench", "opencv_dnn_pipeline.py"));
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { script, "--models", RuntimeDependencies.ModelsDirectory, "--iterations", iterations.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture), "--clock", clock }.Concat(images))
        {
            start.ArgumentList.Add(a);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill();
                Console.Error.WriteLine("opencv_dnn_pipeline.py timed out");
                return null;
            }

            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"opencv_dnn_pipeline.py failed ({process.ExitCode}): {stderr.Result}");
                return null;
            }

            return JsonDocument.Parse(stdout.Result).RootElement.Clone();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.Error.WriteLine($"/usr/bin/python3 not runnable: {ex.Message}");
            return null;
        }
    }

    private static double Ms(double from, double to) => to - from;
}
