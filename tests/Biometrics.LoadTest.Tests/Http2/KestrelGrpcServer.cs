using System.Buffers.Binary;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>
/// Kestrel on a free loopback port (h2c, at most 8 streams per connection, Kestrel's default windows) serving
/// grpc.health.v1.Health on Grpc.AspNetCore (Grpc.HealthCheck), plus raw gRPC endpoints for the cases a real service seldom
/// produces on demand: echo of the request size, an error in the trailers, a trailers-only error, a slow method,
/// a method that counts how many calls run at once, and streaming ones: a bidirectional echo (each request message
/// answered at once with the same bytes, OK when the client half-closes), a stream that ends with a status after the
/// first message, one reset after the first message, and one that never answers (it records when its client cancels). Started once per test class; stopped on dispose.
/// </summary>
public sealed class KestrelGrpcServer : IAsyncLifetime
{
    public const int MaxStreamsPerConnection = 8;
    private WebApplication? _app;
    private int _running;
    private int _maxRunning;

    public int Port { get; } = Biometrics.Testing.FreePort.Next();

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>Calls to /test.Raw/Silent whose client reset or cancelled them.</summary>
    public int SilentCancelled => Volatile.Read(ref _silentCancelled);

    private int _silentCancelled;

    /// <summary>The most calls to /test.Raw/Concurrent seen running at the same time.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxRunning);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
            // Kestrel's own defaults (96 KiB stream and 128 KiB connection windows), stated so they stay: large requests wait for WINDOW_UPDATE.
            k.Limits.Http2.InitialStreamWindowSize = 96 * 1024;
            k.Limits.Http2.InitialConnectionWindowSize = 128 * 1024;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.ListenLocalhost(Port, l => l.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddServingHealth();
        _app = builder.Build();
        _app.MapHealth();
        _app.MapPost("/test.Raw/Echo", async context =>
        {
            // The answer is the request message's length as 8 bytes (big-endian).
            var length = await ReadMessageLengthAsync(context.Request.Body, context.RequestAborted);
            var answer = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(answer, length);
            await WriteMessageAsync(context, answer);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _app.MapPost("/test.Raw/Fail", async context =>
        {
            await ReadMessageLengthAsync(context.Request.Body, context.RequestAborted);
            context.Response.ContentType = "application/grpc";
            await context.Response.StartAsync();
            context.Response.AppendTrailer("grpc-status", "5");
            context.Response.AppendTrailer("grpc-message", "subject %C3%BC missing");
        });
        _app.MapPost("/test.Raw/TrailersOnly", context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "16";
            context.Response.Headers["grpc-message"] = "no token";
            return Task.CompletedTask;
        });
        _app.MapPost("/test.Raw/Slow", async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await WriteMessageAsync(context, []);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _app.MapPost("/test.Raw/Concurrent", async context =>
        {
            var now = Interlocked.Increment(ref _running);
            int max;
            while ((max = Volatile.Read(ref _maxRunning)) < now && Interlocked.CompareExchange(ref _maxRunning, now, max) != max)
            {
            }

            try
            {
                await ReadMessageLengthAsync(context.Request.Body, context.RequestAborted);
                await Task.Delay(20, context.RequestAborted);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }

            await WriteMessageAsync(context, [1, 2, 3]);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _app.MapPost("/test.Raw/EchoStream", async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.StartAsync();
            while (await ReadMessageAsync(context.Request.Body, context.RequestAborted) is { } message)
            {
                var frame = new byte[5 + message.Length];
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
                message.CopyTo(frame, 5);
                await context.Response.Body.WriteAsync(frame, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            context.Response.AppendTrailer("grpc-status", "0");
        });
        _app.MapPost("/test.Raw/EndAfterFirst", async context =>
        {
            context.Response.ContentType = "application/grpc";
            await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            await context.Response.StartAsync();
            context.Response.AppendTrailer("grpc-status", "9");
            context.Response.AppendTrailer("grpc-message", "lane closed");
        });
        _app.MapPost("/test.Raw/ResetAfterFirst", async context =>
        {
            await ReadMessageAsync(context.Request.Body, context.RequestAborted);
            context.Abort();
        });
        _app.MapPost("/test.Raw/Silent", async context =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _silentCancelled);
            }
        });
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The next gRPC message of a request body; null at its end.</summary>
    private static async Task<byte[]?> ReadMessageAsync(Stream body, CancellationToken cancellationToken)
    {
        var prefix = new byte[5];
        if (!await ReadExactlyOrEndAsync(body, prefix, cancellationToken))
        {
            return null;
        }

        var message = new byte[BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1))];
        return await ReadExactlyOrEndAsync(body, message, cancellationToken) ? message : throw new IOException("the request ended inside a message");
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return read == 0 && buffer.Length > 0 ? false : throw new IOException("the request ended inside a message");
            }

            read += n;
        }

        return true;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }
    }

    private static async Task<long> ReadMessageLengthAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += n;
        }

        return total - 5;
    }

    private static async Task WriteMessageAsync(HttpContext context, byte[] message)
    {
        context.Response.ContentType = "application/grpc";
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
    }
}
