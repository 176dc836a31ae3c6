using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Biometrics.Matcher.Gallery;
using Microsoft.ML.OnnxRuntime;

namespace Biometrics.Benchmarks.Gallery;

/// <summary>
/// ONNX Runtime's int8 GEMM (MLAS u8s8 QGEMM, reached through the <c>MatMulInteger</c> operator of the CPU provider)
/// over a 1,000,000 x 512 gallery of int8 codes, as a step of the scan would use it; each <c>Run</c> writes the int32
/// scores of every query against one chunk of rows. Two orientations:
/// <list type="bullet">
/// <item>default: the queries are A (uint8 [n, 512], the scan's 7-bit offset bytes, a_zero_point 64) and the gallery is
/// B (int8 [512, rows of a chunk], dimension-major per chunk). MLAS puts B's columns in the vector lanes and broadcasts
/// A, as our panels do; with the gallery as a graph input MLAS packs B on every Run. <c>--constant 1</c> makes each
/// chunk a constant initializer of its own session instead, which ORT packs once at creation (a second, packed copy of
/// the gallery inside ORT): the kernel without the per-call packing.</item>
/// <item><c>--gallery-a 1</c>: the gallery is A (uint8 [rows of a chunk, 512], row-major as a template is, code + 128
/// with a_zero_point 128) and the queries are B (int8 [512, n], the signed 7-bit codes): MLAS copies A into its packed
/// buffer on every Run (no transpose) and puts the queries in the lanes.</item>
/// </list>
/// Inputs and outputs are OrtValues over pinned managed arrays made once, so a Run copies nothing and allocates
/// nothing beyond ORT's own buffers (and the managed binding's name conversion). Every configuration first checks the
/// scores of 32 rows against <c>Int8Kernels.ScorePanel</c> and a scalar sum.
/// Figures are per pass over all rows, best of 3: wall time, the process CPU time, CPU ns per row per query and the
/// queries/s two cores would answer at that CPU per query. Our kernel's figures on the same shapes come from
/// <c>vnni-peak</c> (docs/PERFORMANCE.md, "Issue 16, fifth round").
/// Usage: <c>ort-gemm [--rows 1000000] [--chunk 16384] [--queries 32,4] [--constant 0] [--gallery-a 0]</c>.
/// </summary>
public static class OrtGemm
{
    private const int Dim = 512;
    private const int MaxQueries = 32;

    /// <summary>Runs the check and the measurement; returns 0, or 1 when MLAS's scores differ from our kernel's.</summary>
    public static int Run(string[] args)
    {
        var rows = GalleryBench.Arg(args, "--rows", 1_000_000);
        var chunk = GalleryBench.Arg(args, "--chunk", 16_384);
        var constant = GalleryBench.Arg(args, "--constant", 0) != 0;
        var galleryIsA = GalleryBench.Arg(args, "--gallery-a", 0) != 0;
        var counts = GalleryBench.Args(args, "--queries", [32, 4]);
        if (counts.Any(n => n < 1 || n > MaxQueries) || chunk < 16 || rows < chunk || (constant && galleryIsA))
        {
            Console.Error.WriteLine($"ort-gemm: --queries must be 1-{MaxQueries}, --rows at least --chunk (at least 16), and --constant only with the gallery as B");
            return 2;
        }

        var chunks = rows / chunk;
        var used = (long)chunks * chunk;
        var layout = new Layout(chunk, galleryIsA);
        Console.WriteLine($"# ort-gemm {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}; ONNX Runtime {OrtEnv.Instance().GetVersionString()}, MatMulInteger u8 x s8 -> s32");
        Console.WriteLine(galleryIsA
            ? $"gallery {used:N0} rows x {Dim} as {chunks} chunks of {chunk:N0} rows: A uint8 [{chunk}, {Dim}] (code + 128, a_zero_point 128) per Run, queries B int8 [{Dim}, n]; MLAS copies A into its packed buffer on every Run; figures scaled to 1,000,000 rows"
            : $"gallery {used:N0} rows x {Dim} as {chunks} chunks of {chunk:N0} rows: B int8 [{Dim}, {chunk}] per Run, queries A uint8 [n, {Dim}] (a_zero_point {Layout.QueryOffset}); {(constant ? "constant initializers packed once by ORT (one session per chunk)" : "graph input: MLAS packs B on every Run")}; figures scaled to 1,000,000 rows");

        // Both orientations hold the same bytes: uniform random codes (vnni-peak's data), stored as sbyte for B and
        // as code + 128 for A.
        var rng = new Random(1);
        var gallery = new byte[chunks][];
        for (var c = 0; c < chunks; c++)
        {
            gallery[c] = GC.AllocateUninitializedArray<byte>(Dim * chunk, pinned: true);
            rng.NextBytes(gallery[c]);
        }

        var queries = GC.AllocateUninitializedArray<byte>(MaxQueries * Dim, pinned: true);
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = (byte)rng.Next(1, 128); // the 7-bit offset bytes of Int8Kernels.QuantizeQuery
        }

        var galleryValues = gallery.Select(g => galleryIsA
            ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<byte>(g), [chunk, Dim])
            : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, AsSigned(g), [Dim, chunk])).ToArray();
        try
        {
            var failed = 0;
            foreach (var n in counts)
            {
                foreach (var (threads, pool) in new[] { (1, false), (2, false), (2, true) })
                {
                    if (constant && pool)
                    {
                        continue; // a second set of packed sessions would hold another copy of the gallery
                    }

                    var created = Stopwatch.StartNew();
                    using var step = new Step(layout, n, threads, pool, queries, constant ? gallery : null, galleryValues);
                    if (constant)
                    {
                        GC.Collect(); // the model bytes are garbage once the sessions exist
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{chunks} sessions with a constant chunk each: created and packed in {created.Elapsed.TotalSeconds:F1} s; process RSS {Environment.WorkingSet / 1e6:F0} MB (the gallery's arrays: {used * Dim / 1e6:F0} MB)"));
                    }

                    failed += step.Check(gallery, queries);
                    step.Pass(chunks); // warm-up: MLAS's per-thread buffers, first touch of the outputs
                    var best = (Wall: double.MaxValue, Cpu: 0.0);
                    for (var i = 0; i < 3; i++)
                    {
                        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                        var wall = step.Pass(chunks);
                        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                        if (wall < best.Wall)
                        {
                            best = (wall, cpu);
                        }
                    }

                    var scale = 1_000_000.0 / used;
                    var cpuPerQuery = best.Cpu * scale / n;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"ort-gemm, {n,2} queries, threads {threads}{(pool ? " (ORT intra-op pool)" : " (own threads)")}: pass {best.Wall * scale * 1e3:F1} ms wall, {best.Cpu * scale * 1e3:F1} ms CPU; {best.Wall * 1e9 * threads / used:F2} ns per row per thread; CPU {cpuPerQuery * 1e9 / 1_000_000:F3} ns per row per query, {cpuPerQuery * 1e3:F2} ms per query -> {2 / cpuPerQuery:F0} queries/s on 2 cores; this pass {n / (best.Wall * scale):F0} queries/s"));
                }
            }

            Console.WriteLine(failed == 0 ? "scores: identical to Int8Kernels.ScorePanel and the scalar sum on every checked row" : $"scores: {failed} mismatches");
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var v in galleryValues)
            {
                v.Dispose();
            }
        }
    }

    /// <summary>The pinned byte array as the int8 tensor memory it holds.</summary>
    private static Memory<sbyte> AsSigned(byte[] pinned) => new SignedView(pinned).Memory;

    /// <summary>Where a chunk's codes and scores live in each orientation.</summary>
    private sealed class Layout(int chunk, bool galleryIsA)
    {
        /// <summary>The query offset of the 7-bit codes (u = c_q + 64).</summary>
        public static readonly byte QueryOffset = (byte)Int8Kernels.QueryOffset(Int8Kernels.WideQueryBits);

        public int Chunk { get; } = chunk;

        public bool GalleryIsA { get; } = galleryIsA;

        /// <summary>The signed code of row <paramref name="r"/> of the chunk at dimension <paramref name="k"/>.</summary>
        public int Code(byte[] g, int r, int k) => GalleryIsA ? g[(r * Dim) + k] - 128 : (sbyte)g[(k * Chunk) + r];

        /// <summary>Index of query <paramref name="j"/> against row <paramref name="r"/> in a Run's output.</summary>
        public int Score(int n, int r, int j) => GalleryIsA ? (r * n) + j : (j * Chunk) + r;

        public byte[] Model(int n, sbyte[]? constantB) => GalleryIsA
            ? OnnxModelBytes.MatMulInteger(Chunk, Dim, n, 128)
            : OnnxModelBytes.MatMulInteger(n, Dim, Chunk, QueryOffset, constantB);
    }

    /// <summary>One configuration: sessions, and per worker thread its queries and scores as OrtValues.</summary>
    private sealed class Step : IDisposable
    {
        private static readonly string[] InputsAb = ["A", "B"];
        private static readonly string[] InputsA = ["A"];
        private static readonly string[] Outputs = ["Y"];

        private readonly Layout layout;
        private readonly int n;
        private readonly int threads;
        private readonly OrtValue[] galleryValues;
        private readonly List<InferenceSession> sessions = [];
        private readonly InferenceSession[]? perChunk;
        private readonly RunOptions runOptions = new();
        private readonly List<OrtValue> owned = [];
        private readonly OrtValue[][] inputs;
        private readonly OrtValue[][] outputs;
        private readonly int[][] scores;

        public Step(Layout layout, int n, int threads, bool pool, byte[] queries, byte[][]? constantGallery, OrtValue[] galleryValues)
        {
            this.layout = layout;
            this.n = n;
            this.threads = pool ? 1 : threads;
            this.galleryValues = galleryValues;
            using var options = new SessionOptions
            {
                IntraOpNumThreads = pool ? threads : 1,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"); // CPU figures without spin-waiting
            if (constantGallery is null)
            {
                sessions.Add(new InferenceSession(layout.Model(n, null), options));
            }
            else
            {
                perChunk = constantGallery.Select(g => new InferenceSession(layout.Model(n, MemoryMarshal.Cast<byte, sbyte>(g).ToArray()), options)).ToArray();
                sessions.AddRange(perChunk);
            }

            // The queries as the operand they are in this orientation: A uint8 [n, 512] as they are, or B int8 [512, n],
            // the signed codes transposed.
            OrtValue q;
            if (layout.GalleryIsA)
            {
                var t = GC.AllocateArray<sbyte>(Dim * n, pinned: true);
                for (var j = 0; j < n; j++)
                {
                    for (var k = 0; k < Dim; k++)
                    {
                        t[(k * n) + j] = (sbyte)(queries[(j * Dim) + k] - Layout.QueryOffset);
                    }
                }

                q = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<sbyte>(t), [Dim, n]);
            }
            else
            {
                q = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<byte>(queries, 0, n * Dim), [n, Dim]);
            }

            owned.Add(q);
            inputs = new OrtValue[this.threads][];
            outputs = new OrtValue[this.threads][];
            scores = new int[this.threads][];
            for (var t = 0; t < this.threads; t++)
            {
                scores[t] = GC.AllocateArray<int>(n * layout.Chunk, pinned: true);
                var y = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<int>(scores[t]),
                    layout.GalleryIsA ? [layout.Chunk, n] : [n, layout.Chunk]);
                owned.Add(y);
                inputs[t] = perChunk is not null ? [q] : layout.GalleryIsA ? [galleryValues[0], q] : [q, galleryValues[0]];
                outputs[t] = [y];
            }
        }

        /// <summary>One pass over every chunk, split over the worker threads; wall seconds.</summary>
        public double Pass(int chunks)
        {
            var sw = Stopwatch.StartNew();
            if (threads == 1)
            {
                Range(0, 0, chunks);
            }
            else
            {
                var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => Range(t, chunks * t / threads, chunks * (t + 1) / threads))).ToArray();
                foreach (var w in workers)
                {
                    w.Start();
                }

                foreach (var w in workers)
                {
                    w.Join();
                }
            }

            return sw.Elapsed.TotalSeconds;
        }

        /// <summary>
        /// Runs chunk 0 and the last chunk and compares 16 rows of each (the first 16 and the last 16) with
        /// <see cref="Int8Kernels.ScorePanel(sbyte*, byte*, int, int, int*, int)"/> (raw sum minus 64 x the row's code
        /// sum, as the scan removes the offset) and a scalar sum of (u - 64) x c; returns the mismatches.
        /// </summary>
        public unsafe int Check(byte[][] gallery, byte[] queries)
        {
            var failed = 0;
            var offset = Layout.QueryOffset;
            var panel = (sbyte*)NativeMemory.AlignedAlloc((nuint)Int8Kernels.PanelBytes(Dim), 64);
            var raw = stackalloc int[Int8Kernels.MaxTile * Int8Kernels.PanelRows];
            var code = new sbyte[Dim];
            try
            {
                foreach (var c in new[] { 0, gallery.Length - 1 })
                {
                    RunChunk(0, c);
                    var first = c == 0 ? 0 : layout.Chunk - Int8Kernels.PanelRows;
                    var sums = new int[Int8Kernels.PanelRows];
                    for (var r = 0; r < Int8Kernels.PanelRows; r++)
                    {
                        for (var k = 0; k < Dim; k++)
                        {
                            code[k] = (sbyte)layout.Code(gallery[c], first + r, k);
                            sums[r] += code[k];
                        }

                        Int8Kernels.StoreRow(panel, r, code);
                    }

                    fixed (byte* q = queries)
                    {
                        for (var j0 = 0; j0 < n; j0 += Int8Kernels.MaxTile)
                        {
                            var count = Math.Min(Int8Kernels.MaxTile, n - j0);
                            Int8Kernels.ScorePanel(panel, q + (j0 * Dim), count, Dim / Int8Kernels.GroupDims, raw, Int8Kernels.WideQueryBits);
                            for (var j = 0; j < count; j++)
                            {
                                for (var r = 0; r < Int8Kernels.PanelRows; r++)
                                {
                                    var ours = raw[(j * Int8Kernels.PanelRows) + r] - (offset * sums[r]);
                                    var scalar = 0;
                                    for (var k = 0; k < Dim; k++)
                                    {
                                        scalar += (queries[((j0 + j) * Dim) + k] - offset) * layout.Code(gallery[c], first + r, k);
                                    }

                                    var mlas = scores[0][layout.Score(n, first + r, j0 + j)];
                                    if ((ours != scalar || mlas != scalar) && failed++ < 5)
                                    {
                                        Console.WriteLine($"mismatch: chunk {c}, row {first + r}, query {j0 + j}: MLAS {mlas}, ScorePanel {ours}, scalar {scalar}");
                                    }
                                }
                            }
                        }
                    }
                }
            }
            finally
            {
                NativeMemory.AlignedFree(panel);
            }

            return failed;
        }

        public void Dispose()
        {
            foreach (var v in owned)
            {
                v.Dispose();
            }

            foreach (var s in sessions)
            {
                s.Dispose();
            }

            runOptions.Dispose();
        }

        private void Range(int worker, int c0, int c1)
        {
            for (var c = c0; c < c1; c++)
            {
                RunChunk(worker, c);
            }
        }

        private void RunChunk(int worker, int c)
        {
            if (perChunk is not null)
            {
                perChunk[c].Run(runOptions, InputsA, inputs[worker], Outputs, outputs[worker]);
                return;
            }

            inputs[worker][layout.GalleryIsA ? 0 : 1] = galleryValues[c];
            sessions[0].Run(runOptions, InputsAb, inputs[worker], Outputs, outputs[worker]);
        }
    }

    /// <summary>A pinned byte array seen as int8 elements (the same bytes), for an int8 tensor over it.</summary>
    private sealed unsafe class SignedView(byte[] pinned) : System.Buffers.MemoryManager<sbyte>
    {
        public override Span<sbyte> GetSpan() => MemoryMarshal.Cast<byte, sbyte>(pinned.AsSpan());

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) =>
            new((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) + elementIndex); // the array is on the pinned heap

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
