using System.Net;
using System.Net.Http;
using Biometrics.Grpc.Internal;
using Google.Protobuf;

namespace Biometrics.Grpc.Client;

/// <summary>One client call: one HTTP/2 request whose body carries the framed request messages and whose response
/// body and trailers carry the response messages and the status. Used from the caller's flow; Dispose may come from
/// any thread.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse> : IClientCall
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private const string UserAgent = "grpc-dotnet-biometrics/1.0";

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts;
    private readonly DateTime? _deadline;
    private readonly TaskCompletionSource<Metadata> _headersTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Task<HttpResponseMessage>? _sendTask;
    private HttpResponseMessage? _response;
    private PushStreamContent? _pushContent;
    private ClientResponseStreamReader<TRequest, TResponse>? _responseStream;
    private Status? _status;
    private Metadata? _trailers;
    private bool _disposed;
    private bool _cleanedUp;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _deadline = options.Deadline is { } d ? (d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d) : null;
        _cts = options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken)
            : new CancellationTokenSource();
    }

    public ClientRequestStreamWriter<TRequest, TResponse>? RequestStream { get; private set; }

    public IAsyncStreamReader<TResponse> ResponseStream => _responseStream ??= new ClientResponseStreamReader<TRequest, TResponse>(this);

    public Task<Metadata> ResponseHeadersAsync => _headersTcs.Task;

    internal Method<TRequest, TResponse> Method => _method;

    internal CancellationToken CallToken => _cts.Token;

    internal PushStreamContent? PushContent => _pushContent;

    internal int MaxSendMessageSize => _channel.MaxSendMessageSize;

    public Status GetStatus() => _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers() => _status is null
        ? throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.")
        : _trailers ?? Metadata.Empty;

    public void StartUnary(TRequest request)
    {
        byte[] frame;
        try
        {
            frame = GrpcFraming.ToFrame(_method.RequestMarshaller, request, _channel.MaxSendMessageSize);
        }
        catch (RpcException ex)
        {
            FailBeforeSend(ex.Status);
            return;
        }
        StartSend(new UnaryFrameContent(frame));
    }

    public void StartStreamingRequest()
    {
        _pushContent = new PushStreamContent();
        RequestStream = new ClientRequestStreamWriter<TRequest, TResponse>(this);
        StartSend(_pushContent);
    }

    private void StartSend(HttpContent content)
    {
        TimeSpan? timeout = null;
        if (_deadline is { } deadline)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                content.Dispose();
                FailBeforeSend(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
                return;
            }
            timeout = remaining;
            if (remaining.TotalMilliseconds < int.MaxValue - 1) _cts.CancelAfter(remaining);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetUri(_method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("te", "trailers");
        headers.TryAddWithoutValidation(GrpcProtocol.UserAgentHeader, UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (timeout is { } t) headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(t));
        if (_options.Headers is { Count: > 0 } metadata)
        {
            foreach (var entry in metadata)
            {
                headers.TryAddWithoutValidation(entry.Key, entry.IsBinary ? MetadataHeaders.EncodeBase64(entry.ValueBytes) : entry.Value);
            }
        }
        _sendTask = SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        try
        {
            var response = await _channel.HttpInvoker.SendAsync(request, _cts.Token).ConfigureAwait(false);
            _response = response;
            var (headers, earlyStatus) = ReadResponseHeaders(response);
            if (earlyStatus is { } status)
            {
                // Trailers-only response: the headers are also the trailers.
                _trailers = headers;
                Finish(status);
                _headersTcs.TrySetResult(headers);
                if (status.StatusCode != StatusCode.OK) throw CreateException();
                return response;
            }
            _headersTcs.TrySetResult(headers);
            return response;
        }
        catch (RpcException ex)
        {
            _headersTcs.TrySetException(ex);
            _pushContent?.FailPendingWrites(ex);
            Cleanup();
            throw;
        }
        catch (Exception ex)
        {
            Finish(MapException(ex));
            var rpc = CreateException();
            _headersTcs.TrySetException(rpc);
            // A write issued before the request failed waits for a request stream that will never be handed over
            // (connection refused, TLS failure): it must fail with the call's status instead.
            _pushContent?.FailPendingWrites(rpc);
            Cleanup();
            throw rpc;
        }
    }

    private void FailBeforeSend(Status status)
    {
        Finish(status);
        var ex = CreateException();
        _headersTcs.TrySetException(ex);
        _sendTask = Task.FromException<HttpResponseMessage>(ex);
        _pushContent?.Abort(ex);
        Cleanup();
    }

    internal Task<HttpResponseMessage> SendTask => _sendTask!;

    /// <summary>Records the final status (the first one wins).</summary>
    internal bool Finish(Status status)
    {
        lock (_lock)
        {
            if (_status is not null) return false;
            _status = status;
            _trailers ??= Metadata.Empty;
            return true;
        }
    }

    internal bool IsFinished => _status is not null;

    internal RpcException CreateException() => new(_status!.Value, _trailers ?? Metadata.Empty);

    /// <summary>Releases the HTTP response and timers once the call has ended.</summary>
    internal void Cleanup()
    {
        lock (_lock)
        {
            if (_cleanedUp) return;
            _cleanedUp = true;
        }
        _pushContent?.Complete();
        _response?.Dispose();
        _cts.Dispose();
    }

    public void Dispose()
    {
        if (Finish(new Status(StatusCode.Cancelled, "gRPC call disposed.")))
        {
            _disposed = true;
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already cleaned up.
            }
            _pushContent?.Abort(CreateException());
            _headersTcs.TrySetException(CreateException());
        }
        Cleanup();
    }

    /// <summary>Cancels a running call on behalf of a cancelled read or write token.</summary>
    internal void CancelFromToken()
    {
        if (Finish(new Status(StatusCode.Cancelled, "Call canceled by the client.")))
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already cleaned up.
            }
            _pushContent?.Abort(CreateException());
        }
    }
}
