using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using Biometrics.Matcher.Policy;
using Biometrics.Vision.Evaluation;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Matcher.Commands;

/// <summary>
/// <c>biometrics-matcher calibrate --pairs FILE [--root DIR] --out calibration.json [--fmr 1e-4] [--watchlist-fmr 1e-3]
/// [--models DIR] [--parallel N]</c>: runs the face pipeline over every image of a labelled pair list (read by
/// <see cref="PairListReader"/>: CSV <c>file_x,file_y,Decision</c> with Yes/No, as deepface's <c>master.csv</c>; or TSV with
/// 1/0), scores each pair by
/// cosine similarity and writes the thresholds at the target FMRs (Policy's <see cref="Calibrator"/>) into the
/// calibration file (merged by model_id). Pairs with an image without a face are reported and left out.
/// </summary>
public static class CalibrateCommand
{
    /// <summary>The <c>calibrate</c> command, reporting to <paramref name="out"/>.</summary>
    public static Command Create(TextWriter @out)
    {
        var pairs = CliOptions.ExistingFile("--pairs", "Labelled pairs: CSV file_x,file_y,Yes/No (deepface master.csv) or TSV with 1/0.", required: true);
        var root = CliOptions.ExistingDirectory("--root", "Folder the image names are relative to [default: the folder of --pairs].");
        var output = new Option<string>("--out") { Description = "Calibration file to write; an existing one is merged by model_id.", HelpName = "FILE", Required = true };
        var fmr = CliOptions.Rate("--fmr", "Target false-match rate of 1:1 verification.", Calibrator.DefaultVerifyFmr);
        var watchFmr = CliOptions.Rate("--watchlist-fmr", "Target false-match rate per watchlist comparison.", Calibrator.DefaultWatchlistFmr);
        var models = CliOptions.ExistingDirectory("--models", "Folder of the ONNX models [default: the pipeline's own search].");
        var parallel = CliOptions.Int("--parallel", "Images processed at once.", Math.Clamp(Environment.ProcessorCount, 1, 64), 1, 64);
        var command = new Command("calibrate", "Compute the verify and watchlist thresholds from labelled image pairs and write them to a calibration file.")
        {
            pairs, root, output, fmr, watchFmr, models, parallel,
        };
        command.SetAction((parse, _) => Task.FromResult(Run(
            new Settings(parse.GetRequiredValue(pairs), parse.GetValue(root), parse.GetRequiredValue(output), parse.GetValue(fmr),
                parse.GetValue(watchFmr), parse.GetValue(models), parse.GetValue(parallel)),
            @out)));
        return command;
    }

    /// <summary>What <c>calibrate</c> was asked to do.</summary>
    /// <param name="PairsFile">The labelled pair list.</param>
    /// <param name="Root">Folder of the images (null: the pair list's folder).</param>
    /// <param name="OutFile">The calibration file.</param>
    /// <param name="Fmr">Target verify FMR.</param>
    /// <param name="WatchlistFmr">Target watchlist FMR.</param>
    /// <param name="Models">Models folder (null: default).</param>
    /// <param name="Parallel">Images at once.</param>
    public sealed record Settings(string PairsFile, string? Root, string OutFile, double Fmr, double WatchlistFmr, string? Models, int Parallel);

    /// <summary>Runs the calibration; returns the exit code.</summary>
    public static int Run(Settings settings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var pairsFile = settings.PairsFile;
        var root = settings.Root ?? Path.GetDirectoryName(Path.GetFullPath(pairsFile))!;
        var outFile = settings.OutFile;
        var (fmr, watchFmr) = (settings.Fmr, settings.WatchlistFmr);
        var pairs = PairListReader.Read(pairsFile);

        using var pipeline = new FacePipeline(new FacePipelineOptions { ModelsDirectory = settings.Models, EnableLiveness = false });
        var files = pairs.SelectMany(p => new[] { p.PathA, p.PathB }).Distinct(StringComparer.Ordinal).ToArray();
        var vectors = new ConcurrentDictionary<string, float[]?>(StringComparer.Ordinal);
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel }, f =>
        {
            try
            {
                using var result = pipeline.Process(File.ReadAllBytes(Path.Combine(root, f)));
                vectors[f] = result.Embeddings.Count > 0 ? result.Embeddings[0].ToArray() : null;
            }
            catch (Exception ex) when (ex is ImageDecodeException or IOException)
            {
                output.WriteLine($"  {f}: {ex.Message}");
                vectors[f] = null;
            }
        });

        var scores = new List<LabelledScore>(pairs.Count);
        var skipped = 0;
        foreach (var (a, b, genuine, _) in pairs)
        {
            if (vectors[a] is not { } va || vectors[b] is not { } vb)
            {
                skipped++;
                continue;
            }

            scores.Add(new LabelledScore(System.Numerics.Tensors.TensorPrimitives.Dot(va, vb), genuine));
        }

        var model = Calibrator.Calibrate(scores, new CalibrationOptions { ModelId = pipeline.ModelId, VerifyTargetFmr = fmr, WatchlistTargetFmr = watchFmr });
        var existing = File.Exists(outFile) ? Thresholds.Load(outFile) : Thresholds.Empty;
        var tmp = outFile + ".tmp";
        File.WriteAllText(tmp, existing.With(model).ToJson() + "\n");
        File.Move(tmp, outFile, overwrite: true);

        var gen = scores.Where(s => s.IsGenuine).Select(s => s.Score).ToArray();
        var imp = scores.Where(s => !s.IsGenuine).Select(s => s.Score).ToArray();
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "{0}: {1} images, {2} pairs scored ({3} genuine, {4} impostor), {5} skipped (no face)",
            pipeline.ModelId, files.Length, scores.Count, gen.Length, imp.Length, skipped));
        if (gen.Length > 0 && imp.Length > 0)
        {
            output.WriteLine(string.Format(c, "  genuine min {0:F3}, impostor max {1:F3}", gen.Min(), imp.Max()));
        }

        output.WriteLine(string.Format(c, "  verify threshold {0:F4} at FMR {1:G} (achieved {2:G}, FNMR {3:G}, resolved {4})",
            model.VerifyThreshold, fmr, model.Verify.AchievedFmr, model.Verify.Fnmr, model.Verify.Resolved));
        output.WriteLine(string.Format(c, "  watchlist threshold {0:F4} at FMR {1:G} (achieved {2:G}, FNMR {3:G}, resolved {4})",
            model.WatchlistThreshold, watchFmr, model.Watchlist.AchievedFmr, model.Watchlist.Fnmr, model.Watchlist.Resolved));
        if (!model.Verify.Resolved) output.WriteLine("  note: " + model.Verify.Note);
        output.WriteLine($"Wrote {Path.GetFullPath(outFile)}");
        return 0;
    }
}
