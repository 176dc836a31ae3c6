using System.Diagnostics;
using System.Globalization;
using Biometrics.Grpc.Interop;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Biometrics.Grpc.TestServer;

/// <summary>Closed-loop load with Grpc.Net.Client and the generated client: N concurrent callers making small unary calls back to back over one
/// channel, for a warm-up period and then a measured period. Prints calls/s and latency percentiles.</summary>
/// <remarks>Usage: <c>bench-client --target http://127.0.0.1:50051 [--concurrency 64] [--seconds 10] [--warmup 3]
/// [--method empty|unary]</c></remarks>
public static class ClientLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        string target = "http://127.0.0.1:50051", methodName = "unary";
        int concurrency = 64;
        double seconds = 10, warmup = 3;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--target": target = args[i + 1]; break;
                case "--concurrency": concurrency = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--method": methodName = args[i + 1]; break;
                default: Console.Error.WriteLine("unknown option " + args[i]); return 2;
            }
        }
        using var channel = GrpcChannel.ForAddress(target);
        var client = new TestService.TestServiceClient(channel);
        var request = new SimpleRequest { ResponseSize = 16, Payload = new Payload { Body = ByteString.CopyFrom(new byte[16]) } };
        var emptyRequest = new Empty();
        var useEmpty = methodName == "empty";

        var measuring = false;
        var stop = false;
        var latencies = new List<double>[concurrency];
        var errors = 0L;
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var list = latencies[w] = new List<double>(1 << 16);
            workers[w] = Task.Run(async () =>
            {
                while (!Volatile.Read(ref stop))
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        var deadline = DateTime.UtcNow.AddSeconds(10);
                        if (useEmpty) await client.EmptyCallAsync(emptyRequest, deadline: deadline).ResponseAsync.ConfigureAwait(false);
                        else await client.UnaryCallAsync(request, deadline: deadline).ResponseAsync.ConfigureAwait(false);
                    }
                    catch (RpcException)
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }
                    if (Volatile.Read(ref measuring)) list.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            });
        }
        await Task.Delay(TimeSpan.FromSeconds(warmup)).ConfigureAwait(false);
        Volatile.Write(ref measuring, true);
        var measuredFrom = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var elapsed = Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Grpc.Net.Client: method={(useEmpty ? "EmptyCall" : "UnaryCall(16 B)")} concurrency={concurrency} calls={all.Length} errors={errors} " +
            $"seconds={elapsed:F1} calls/s={all.Length / elapsed:F0} p50={P(0.5):F2}ms p99={P(0.99):F2}ms"));
        return errors == 0 ? 0 : 1;
    }
}
