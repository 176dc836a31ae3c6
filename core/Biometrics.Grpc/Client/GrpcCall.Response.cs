using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Biometrics.Grpc.Internal;

namespace Biometrics.Grpc.Client;

internal sealed partial class GrpcCall<TRequest, TResponse>
{
    private Stream? _body;
    private byte[]? _header;
    private string? _responseEncoding;

    /// <summary>The single response of a unary or client-streaming call.</summary>
    public async Task<TResponse> ReadUnaryResponseAsync()
    {
        try
        {
            await SendTask.ConfigureAwait(false);
            var message = await ReadMessageAsync(_cts.Token).ConfigureAwait(false);
            if (message is not null && await ReadMessageAsync(_cts.Token).ConfigureAwait(false) is not null)
            {
                Finish(new Status(StatusCode.Internal, "Failed to deserialize response message: more than one message in a unary response."));
            }
            else
            {
                FinishFromTrailers();
            }
            if (_status!.Value.StatusCode != StatusCode.OK) throw CreateException();
            if (message is null)
            {
                // OK without a response message is a protocol violation for a single-response call.
                _status = new Status(StatusCode.Internal, "Failed to deserialize response message: no message returned.");
                throw CreateException();
            }
            return message;
        }
        catch (RpcException ex)
        {
            Finish(ex.Status);
            throw CreateException();
        }
        catch (Exception ex)
        {
            Finish(MapException(ex));
            throw CreateException();
        }
        finally
        {
            Cleanup();
        }
    }

    /// <summary>Reads the next response message; null at the end of the body.</summary>
    internal async ValueTask<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var body = _body ??= await _response!.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var header = _header ??= new byte[GrpcProtocol.HeaderSize];
        var n = await body.ReadAtLeastAsync(header, GrpcProtocol.HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n == 0) return null;
        if (n < GrpcProtocol.HeaderSize) GrpcFraming.ThrowStatus(StatusCode.Internal, "Incomplete message: the response ended inside a frame header.");
        if (header[0] > 1) GrpcFraming.ThrowStatus(StatusCode.Internal, "Invalid compressed flag in response message header.");
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > (uint)_channel.MaxReceiveMessageSize)
            GrpcFraming.ThrowStatus(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({length} vs. {_channel.MaxReceiveMessageSize}).");
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max((int)length, 1));
        try
        {
            var read = length == 0 ? 0 : await body.ReadAtLeastAsync(buffer.AsMemory(0, (int)length), (int)length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < length) GrpcFraming.ThrowStatus(StatusCode.Internal, "Incomplete message: the response ended inside a message.");
            return GrpcFraming.ParseMessage(_method.ResponseMarshaller, new ReadOnlySequence<byte>(buffer, 0, (int)length), header[0] == 1, _responseEncoding, _channel.MaxReceiveMessageSize);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Takes the status from the trailers (the body has been read to its end).</summary>
    internal void FinishFromTrailers()
    {
        var trailers = _response!.TrailingHeaders;
        var metadata = ToMetadata(trailers);
        _trailers ??= metadata;
        Finish(ReadStatus(trailers) ?? new Status(StatusCode.Internal, "No grpc-status found on response."));
    }

    private (Metadata Headers, Status? EarlyStatus) ReadResponseHeaders(HttpResponseMessage response)
    {
        var headers = ToMetadata(response.Headers);
        if (response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var enc)) _responseEncoding = enc.ToString();
        var status = ReadStatus(response.Headers);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (headers, status ?? new Status(GrpcProtocol.FromHttpStatus((int)response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}"));
        }
        var contentType = response.Content.Headers.NonValidated.TryGetValues("content-type", out var ct) ? ct.ToString() : null;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            return (headers, new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}"));
        }
        return (headers, status); // a status in the headers means a trailers-only response
    }

    private static Status? ReadStatus(HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(GrpcProtocol.StatusTrailer, out var values)) return null;
        var text = values.ToString();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
            return new Status(StatusCode.Unknown, $"Unexpected grpc-status value: {text}");
        var message = headers.NonValidated.TryGetValues(GrpcProtocol.MessageTrailer, out var m) ? PercentEncoding.Decode(m.ToString()) : "";
        return new Status((StatusCode)code, message);
    }

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        Metadata? metadata = null;
        foreach (var header in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key) || header.Key.Equals("date", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("server", StringComparison.OrdinalIgnoreCase)) continue;
            metadata ??= new Metadata();
            try
            {
                foreach (var value in header.Value)
                {
                    if (Metadata.IsBinaryKey(header.Key)) metadata.Add(header.Key, MetadataHeaders.DecodeBase64(value));
                    else metadata.Add(header.Key, value);
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                // Drop a malformed entry from the peer rather than failing the call.
            }
        }
        return metadata ?? Metadata.Empty; // read-only shared instance: no allocation for calls without metadata
    }

    /// <summary>Maps a transport exception to a status (cancellation and deadline first).</summary>
    internal Status MapException(Exception ex)
    {
        if (_status is { } existing) return existing;
        bool cancelled;
        try
        {
            cancelled = _cts.IsCancellationRequested;
        }
        catch (ObjectDisposedException)
        {
            cancelled = true;
        }
        if (ex is OperationCanceledException || cancelled)
        {
            if (_options.CancellationToken.IsCancellationRequested || _disposed)
                return new Status(StatusCode.Cancelled, "Call canceled by the client.", ex);
            if (_deadline is not null && cancelled) return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded", ex);
            return new Status(StatusCode.Cancelled, "Call canceled.", ex);
        }
        var protocol = ex as HttpProtocolException ?? ex.InnerException as HttpProtocolException;
        if (protocol is not null)
        {
            var code = protocol.ErrorCode switch
            {
                0x8 => StatusCode.Cancelled,          // CANCEL
                0x7 => StatusCode.Unavailable,        // REFUSED_STREAM
                0xb => StatusCode.ResourceExhausted,  // ENHANCE_YOUR_CALM
                0xc => StatusCode.PermissionDenied,   // INADEQUATE_SECURITY
                _ => StatusCode.Internal,
            };
            return new Status(code, $"The HTTP/2 stream was reset: {protocol.Message}", ex);
        }
        return ex switch
        {
            HttpRequestException => new Status(StatusCode.Unavailable, $"Error starting gRPC call. {ex.GetType().Name}: {ex.Message}", ex),
            IOException => new Status(StatusCode.Unavailable, $"Error reading the gRPC response. {ex.GetType().Name}: {ex.Message}", ex),
            _ => new Status(StatusCode.Internal, $"Error in the gRPC call. {ex.GetType().Name}: {ex.Message}", ex),
        };
    }
}
