using System.Buffers.Binary;
using System.Globalization;
using System.Net.Http.Headers;
using Biometrics.LoadTest.Engine;

namespace Biometrics.LoadTest.Targets;

/// <summary>
/// Calls any unary gRPC method with a fixed request message (protobuf bytes, framed here with the 5-byte
/// gRPC message prefix) over HTTP/2, straight on <see cref="HttpClient"/>: what h2load does, so the two can be
/// compared. The status is <c>grpc-status</c> from the trailers (or the headers of a trailers-only answer).
/// Thread-safe.
/// </summary>
public sealed class RawUnaryGrpcTarget : ILoadTarget
{
    private static readonly MediaTypeHeaderValue s_contentType = new("application/grpc");
    private readonly ConnectionOptions _options;
    private readonly string _method;
    private readonly Uri _uri;
    private readonly byte[] _framed;
    private readonly HttpClient _client;
    private readonly string? _timeout;
    private readonly AuthenticationHeaderValue? _auth;

    /// <summary>Targets <paramref name="method"/> (<c>/package.Service/Method</c>) with <paramref name="message"/> as every request.</summary>
    public RawUnaryGrpcTarget(ConnectionOptions options, string method, ReadOnlySpan<byte> message)
    {
        if (!method.StartsWith('/') || method.Count(c => c == '/') != 2)
        {
            throw new ArgumentException("method must look like /package.Service/Method", nameof(method));
        }

        _options = options;
        _method = method;
        _uri = new Uri(options.Address, method);
        _framed = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(_framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(_framed.AsSpan(5));
        _client = HttpClientFactory.Create(options);
        _auth = options.BearerToken is null ? null : new AuthenticationHeaderValue("Bearer", options.BearerToken);
        if (options.Deadline is { } d)
        {
            _timeout = Math.Max(1, (long)Math.Ceiling(d.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "m";
        }
    }

    /// <inheritdoc />
    public string Description => $"{_options.Address.GetLeftPart(UriPartial.Authority)}{_method} (request {_framed.Length - 5} bytes, raw HTTP/2)";

    /// <inheritdoc />
    public async ValueTask<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        // HttpClient's default version only applies to its helper methods; a message carries its own.
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri)
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(_framed),
        };
        request.Content.Headers.ContentType = s_contentType;
        request.Headers.TE.ParseAdd("trailers");
        if (_auth is not null)
        {
            request.Headers.Authorization = _auth;
        }

        if (_timeout is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", _timeout);
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode != 200)
            {
                return StepResult.Fail("HTTP_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }

            if (TryStatus(response.Headers, out var early))
            {
                return Result(early);
            }

            // Read the body to its end before looking at the trailers.
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var sink = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
                try
                {
                    while (await stream.ReadAsync(sink, cancellationToken).ConfigureAwait(false) > 0)
                    {
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(sink);
                }
            }

            return TryStatus(response.TrailingHeaders, out var code) ? Result(code) : StepResult.Fail("NO_STATUS");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return StepResult.Fail("CANCELLED");
        }
        catch (HttpRequestException)
        {
            return StepResult.Fail("UNAVAILABLE");
        }
        catch (IOException)
        {
            return StepResult.Fail("UNAVAILABLE");
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static StepResult Result(int code) => code == 0 ? StepResult.Ok() : StepResult.Fail(GrpcStatusNames.Of(code));

    private static bool TryStatus(HttpHeaders headers, out int code)
    {
        code = 0;
        return headers.TryGetValues("grpc-status", out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out code);
    }
}
