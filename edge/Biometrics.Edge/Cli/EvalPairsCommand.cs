using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Biometrics.Vision.Evaluation;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;

namespace Biometrics.Edge.Cli;

/// <summary>
/// <c>eval-pairs</c>: 1:1 verification benchmark over labelled pairs. Every distinct image is embedded once, in
/// parallel, through <see cref="FacePipeline"/> (largest face; the centred-crop fallback when no face is found,
/// counted as <c>no_face</c>); pairs are scored by cosine similarity and summarised by
/// <see cref="VerificationMetrics.Evaluate"/>. The last output line is one JSON object.
/// </summary>
public sealed partial class EvalPairsCommand : Command
{
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(2);

    private readonly Option<string?> _pairs = CliOptions.Text("--pairs", "FILE",
        "Required. One pair per line: pathA<TAB>pathB<TAB>label (1/0 or Yes/No), or a CSV with the header file_x,file_y,Decision.");

    private readonly Option<string?> _root = CliOptions.Text("--root", "DIR", "Required. Folder the image paths are relative to.");
    private readonly Option<string?> _out = CliOptions.Text("--out", "FILE", "Write pathA, pathB, label and score per pair (TSV).");
    private readonly Option<int?> _parallel = CliOptions.Int("--parallel", "N", "Images embedded at once (default: the number of cores).", 1, 256);
    private readonly PipelineOptions _pipeline;
    private readonly CommandContext _context;

    /// <summary>Creates the command; it writes to <paramref name="context"/>.</summary>
    public EvalPairsCommand(CommandContext context)
        : base("eval-pairs",
            "Verification accuracy, EER and FNMR@FMR over a labelled pairs file.\n" +
            "Usage: biometrics-gate eval-pairs --pairs FILE --root DIR [--out scores.tsv] [--parallel N]\n" +
            "Accuracy is 10-fold cross-validated (10 consecutive blocks of pairs, as in the LFW protocol) from 600 pairs on,\n" +
            "otherwise that of the best single threshold. The last output line is a JSON object.")
    {
        _context = context ?? throw new ArgumentNullException(nameof(context));
        Options.Add(_pairs);
        Options.Add(_root);
        Options.Add(_out);
        Options.Add(_parallel);
        _pipeline = new PipelineOptions(this);
        SetAction((parsed, _) => RunAsync(parsed));
    }

    private async Task<int> RunAsync(ParseResult parsed)
    {
        var context = _context;
        var pairsPath = parsed.GetValue(_pairs) ?? throw new CommandLineException("--pairs FILE is required");
        var root = parsed.GetValue(_root) ?? throw new CommandLineException("--root DIR is required");
        if (!File.Exists(pairsPath))
        {
            throw new CommandLineException($"--pairs: file '{pairsPath}' does not exist");
        }

        if (!Directory.Exists(root))
        {
            throw new CommandLineException($"--root: folder '{root}' does not exist");
        }

        var parallel = parsed.GetValue(_parallel) ?? Environment.ProcessorCount;
        var outPath = parsed.GetValue(_out);
        var options = _pipeline.Read(parsed, fallbackToCenterCrop: true);

        var pairs = PairListReader.Read(pairsPath);
        var images = pairs.SelectMany(p => new[] { p.PathA, p.PathB }).Distinct(StringComparer.Ordinal).ToArray();
        var missing = images.Where(p => !File.Exists(Path.Combine(root, p))).ToArray();
        if (missing.Length > 0)
        {
            throw new CommandLineException(
                $"{missing.Length} image(s) of the pairs file do not exist under '{root}', e.g. '{missing[0]}'");
        }

        using var pipeline = new FacePipeline(options);
        // The images already run in parallel, one per core: keep OpenCV from adding its own threads on top.
        Image.SetThreadCount(1);
        var embedded = await EmbedAllAsync(pipeline, root, images, parallel, context).ConfigureAwait(false);

        // Score the pairs whose two images could be embedded.
        var scores = new List<double>(pairs.Count);
        var labels = new List<bool>(pairs.Count);
        var scored = new List<(LabelledPair Pair, double Score)>(pairs.Count);
        foreach (var pair in pairs)
        {
            var a = embedded.Results[pair.PathA];
            var b = embedded.Results[pair.PathB];
            if (a.Embedding is null || b.Embedding is null)
            {
                continue;
            }

            var score = (double)a.Embedding.Similarity(b.Embedding);
            scores.Add(score);
            labels.Add(pair.Genuine);
            scored.Add((pair, score));
        }

        if (scores.Count == 0)
        {
            await context.Error.WriteLineAsync("error: no pair could be scored").ConfigureAwait(false);
            return CommandDispatcher.Failure;
        }

        if (outPath is not null)
        {
            await WriteScoresAsync(outPath, scored, context.CancellationToken).ConfigureAwait(false);
        }

        var report = VerificationMetrics.Evaluate(scores.ToArray(), labels.ToArray());
        await WriteReportAsync(context.Out, report, embedded, pairs.Count, images.Length, parallel, pipeline.ModelId).ConfigureAwait(false);
        return CommandDispatcher.Success;
    }

    private static async Task<EmbeddingRun> EmbedAllAsync(FacePipeline pipeline, string root, string[] images, int parallel, CommandContext context)
    {
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, ImageResult>(StringComparer.Ordinal);
        var done = 0;
        var noFace = 0;
        long latencyTicks = 0;
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var progressLock = new object();
        await Parallel.ForEachAsync(
            images,
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = context.CancellationToken },
            (relative, _) =>
            {
                var start = Stopwatch.GetTimestamp();
                ImageResult result;
                try
                {
                    var (embedding, face) = PairEmbedding.EmbedLargest(pipeline, Path.Combine(root, relative));
                    result = new ImageResult(embedding, face.IsFallback, null);
                    if (face.IsFallback)
                    {
                        Interlocked.Increment(ref noFace);
                    }
                }
                catch (Exception e) when (e is ImageDecodeException or InvalidDataException or IOException)
                {
                    result = new ImageResult(null, false, e.Message);
                }

                Interlocked.Add(ref latencyTicks, Stopwatch.GetTimestamp() - start);
                results[relative] = result;
                var count = Interlocked.Increment(ref done);
                ReportProgress(context.Error, count, images.Length, clock, ref lastProgress, progressLock);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);

        var failed = results.Where(r => r.Value.Error is not null).OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
        foreach (var (path, result) in failed)
        {
            await context.Error.WriteLineAsync($"warning: {path}: {result.Error} (its pairs are not scored)").ConfigureAwait(false);
        }

        return new EmbeddingRun(results, noFace, failed.Length, clock.Elapsed,
            TimeSpan.FromSeconds((double)latencyTicks / Stopwatch.Frequency / Math.Max(1, images.Length)));
    }

    private static void ReportProgress(TextWriter error, int done, int total, Stopwatch clock, ref TimeSpan last, object gate)
    {
        var now = clock.Elapsed;
        if (now - last < s_progressInterval && done != total)
        {
            return;
        }

        lock (gate)
        {
            if (now - last < s_progressInterval && done != total)
            {
                return;
            }

            // Only long runs show progress: nothing before the first interval has passed.
            if (now >= s_progressInterval)
            {
                var rate = done / Math.Max(1e-9, now.TotalSeconds);
                var eta = TimeSpan.FromSeconds((total - done) / Math.Max(1e-9, rate));
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"embedded {done}/{total} images ({100.0 * done / total:F0} %), {rate:F1} images/s, {eta.TotalSeconds:F0} s left"));
            }

            last = now;
        }
    }

    private static async Task WriteScoresAsync(string path, List<(LabelledPair Pair, double Score)> scored, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var writer = new StreamWriter(path);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteLineAsync("path_a\tpath_b\tlabel\tscore").ConfigureAwait(false);
            foreach (var (pair, score) in scored)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{pair.PathA}\t{pair.PathB}\t{(pair.Genuine ? 1 : 0)}\t{score:F6}")).ConfigureAwait(false);
            }
        }
    }
}
