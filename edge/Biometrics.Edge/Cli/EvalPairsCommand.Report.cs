using System.Globalization;
using Biometrics.Vision.Evaluation;
using Biometrics.Vision.Face;

namespace Biometrics.Edge.Cli;

public sealed partial class EvalPairsCommand
{
    private static async Task WriteReportAsync(TextWriter output, VerificationReport r, EmbeddingRun run, int pairsInFile, int images, int parallel, string modelId)
    {
        var ci = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(ci, $"pairs: {r.Pairs} scored of {pairsInFile} ({r.GenuinePairs} genuine, {r.ImpostorPairs} impostor); {images} distinct images; model {modelId}"),
            r.CrossValidation is { } cv
                ? string.Create(ci, $"accuracy: {r.Accuracy:F4} +- {cv.StandardDeviation:F4} (10-fold cross-validated; best single threshold {r.Threshold:F4})")
                : string.Create(ci, $"accuracy: {r.Accuracy:F4} (best single threshold {r.Threshold:F4}; fewer than {VerificationMetrics.CrossValidationMinimumPairs} pairs, so not cross-validated)"),
            string.Create(ci, $"EER: {r.EqualErrorRate:F4}"),
            Operating(r.AtFmr1e2, r.ImpostorPairs),
            Operating(r.AtFmr1e3, r.ImpostorPairs),
            string.Create(ci, $"no face detected: {run.NoFace} of {images} images (embedded from the centred-crop fallback)"),
        };
        if (run.Failed > 0)
        {
            lines.Add(string.Create(ci, $"failed images: {run.Failed} (not decodable; their pairs were not scored)"));
        }

        lines.Add(string.Create(ci,
            $"time: {run.Elapsed.TotalMilliseconds / Math.Max(1, images):F1} ms per image wall clock with {parallel} in parallel " +
            $"({run.MeanLatency.TotalMilliseconds:F1} ms per image each), {run.Elapsed.TotalSeconds:F1} s in all"));
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        var json = FaceJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("pairs", r.Pairs);
            w.WriteNumber("genuine_pairs", r.GenuinePairs);
            w.WriteNumber("impostor_pairs", r.ImpostorPairs);
            FaceJson.Number(w, "accuracy", r.Accuracy, 6);
            FaceJson.Number(w, "accuracy_std", r.CrossValidation?.StandardDeviation ?? double.NaN, 6);
            w.WriteBoolean("cross_validated", r.CrossValidation is not null);
            FaceJson.Number(w, "threshold", r.Threshold, 6);
            FaceJson.Number(w, "eer", r.EqualErrorRate, 6);
            FaceJson.Number(w, "fnmr_at_fmr_1e-2", r.AtFmr1e2.Fnmr, 6);
            FaceJson.Number(w, "threshold_at_fmr_1e-2", r.AtFmr1e2.Threshold, 6);
            FaceJson.Number(w, "fnmr_at_fmr_1e-3", r.AtFmr1e3.Fnmr, 6);
            FaceJson.Number(w, "threshold_at_fmr_1e-3", r.AtFmr1e3.Threshold, 6);
            w.WriteNumber("images", images);
            w.WriteNumber("no_face", run.NoFace);
            w.WriteNumber("failed_images", run.Failed);
            FaceJson.Number(w, "ms_per_image", run.Elapsed.TotalMilliseconds / Math.Max(1, images), 2);
            FaceJson.Number(w, "ms_per_image_latency", run.MeanLatency.TotalMilliseconds, 2);
            w.WriteNumber("parallel", parallel);
            w.WriteString("model_id", modelId);
            w.WriteEndObject();
        });
        await output.WriteLineAsync(json).ConfigureAwait(false);
    }

    private static string Operating(OperatingPoint p, int impostors)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"FNMR @ FMR {p.TargetFmr:0e0}: {p.Fnmr:F4} (threshold {p.Threshold:F4}, achieved FMR {p.Fmr:F4})");
        return p.ResolutionLimited
            ? text + string.Create(CultureInfo.InvariantCulture, $" - only {impostors} impostor pairs: this is the zero-false-match point, an optimistic bound")
            : text;
    }
}
