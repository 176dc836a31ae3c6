using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Biometrics.Protos.V1;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Biometrics.LoadTest.Tests;

/// <summary>
/// A minimal plain-text HTTP/2 gRPC endpoint for <c>Enrolment/EnrolStream</c> that answers every request ENROLLED in
/// order, except that the first stream ends with UNAVAILABLE after <c>failAfter</c> answers while requests are still
/// outstanding (what a matcher whose store timed out does). With <c>requiredToken</c>, a stream without
/// <c>authorization: Bearer requiredToken</c> ends at once with a trailers-only UNAUTHENTICATED, its requests unread (what
/// the matcher does with a bad token).
/// </summary>
internal sealed class FlakyEnrolStreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _streams;

    public FlakyEnrolStreamServer(int failAfter, string? requiredToken = null)
    {
        Port = Biometrics.Testing.FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(Port, l => l.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.Run(async context =>
        {
            var stream = Interlocked.Increment(ref _streams);
            context.Response.ContentType = "application/grpc";
            if (requiredToken is not null && context.Request.Headers.Authorization != "Bearer " + requiredToken)
            {
                // Trailers-only, the request unread: what the matcher's bearer handler answers.
                context.Response.Headers["grpc-status"] = "16";
                context.Response.Headers["grpc-message"] = "bad_token";
                return;
            }

            await context.Response.StartAsync();

            var answered = 0;
            while (await ReadMessageAsync(context.Request.BodyReader) is { } payload)
            {
                if (stream == 1 && answered == failAfter)
                {
                    context.Response.AppendTrailer("grpc-status", "14");
                    context.Response.AppendTrailer("grpc-message", "test outage");
                    return;
                }

                var request = EnrolRequest.Parser.ParseFrom(payload);
                Received.Add(request.SubjectId);
                var answer = new EnrolResponse { RequestId = request.RequestId, Status = EnrolStatus.Enrolled }.ToByteArray();
                var frame = new byte[5 + answer.Length];
                BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)answer.Length);
                answer.CopyTo(frame, 5);
                await context.Response.Body.WriteAsync(frame);
                await context.Response.Body.FlushAsync();
                answered++;
            }

            context.Response.AppendTrailer("grpc-status", "0");
        });
    }

    public int Port { get; }

    /// <summary>Subject ids of the requests answered, over all streams.</summary>
    public ConcurrentBag<string> Received { get; } = [];

    public int Streams => Volatile.Read(ref _streams);

    public Task StartAsync() => _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await _app.DisposeAsync();
    }

    private static async Task<byte[]?> ReadMessageAsync(System.IO.Pipelines.PipeReader reader)
    {
        var header = new byte[5];
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            if (buffer.Length >= 5)
            {
                buffer.Slice(0, 5).CopyTo(header);
                var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
                if (buffer.Length >= 5 + length)
                {
                    var payload = buffer.Slice(5, length).ToArray();
                    reader.AdvanceTo(buffer.GetPosition(5 + length));
                    return payload;
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
