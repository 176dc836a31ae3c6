using System.IO.Pipelines;
using Biometrics.Grpc.Internal;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Biometrics.Grpc.Server;

internal sealed partial class HttpServerCallContext
{
    /// <summary>Checks protocol, content-type and encoding and applies <c>grpc-timeout</c>. False when the call was
    /// rejected (a complete error response has been set up and nothing else may run).</summary>
    public bool TryStart()
    {
        var request = _http.Request;
        var response = _http.Response;
        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            response.Headers.Upgrade = "h2";
            return Reject(StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2.");
        }
        var headers = request.Headers;
        if (!GrpcProtocol.IsGrpcContentType(headers.ContentType))
        {
            // Spec: answer 415 so that a non-gRPC client does not take the error for success.
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return Reject(StatusCode.Internal, $"Content-Type '{headers.ContentType}' is not supported.");
        }
        var encoding = headers.GrpcEncoding;
        if (encoding.Count > 0)
        {
            var e = encoding.ToString();
            if (!e.Equals("identity", StringComparison.OrdinalIgnoreCase) && !e.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.GrpcAcceptEncoding = GrpcProtocol.SupportedEncodings;
                return Reject(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{e}'. Supported encodings: {GrpcProtocol.SupportedEncodings}");
            }
            _requestEncoding = e.ToLowerInvariant();
        }
        if (_info.Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming)
        {
            // Long-lived streams: no body size cap (each message is capped instead) and no minimum data rate.
            if (_http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
            if (_http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate) rate.MinDataRate = null;
        }
        response.ContentType = GrpcProtocol.ContentType;
        var timeout = headers.GrpcTimeout;
        if (timeout.Count > 0 && GrpcTimeout.TryParse(timeout.ToString(), out var span)) StartDeadline(span);
        return true;
    }

    /// <summary>Records a handler or pipeline failure as the call's status.</summary>
    public void ProcessError(Exception ex)
    {
        if (ex is RpcException rpc)
        {
            _status = rpc.Status;
            if (rpc.Trailers.Count > 0)
            {
                foreach (var entry in rpc.Trailers) ResponseTrailers.Add(entry);
            }
        }
        else if (IsDeadlineExceeded)
        {
            _status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            ServerLog.DeadlineExceeded(_info.Logger, _info.FullName);
        }
        else if (_http.RequestAborted.IsCancellationRequested || ex is ConnectionAbortedException)
        {
            _status = new Status(StatusCode.Cancelled, "Call canceled by the client.");
            ServerLog.CallAborted(_info.Logger, _info.FullName);
        }
        else
        {
            ServerLog.HandlerError(_info.Logger, _info.FullName, ex);
            var detail = _info.EnableDetailedErrors
                ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                : "Exception was thrown by handler.";
            _status = new Status(StatusCode.Unknown, detail);
        }
    }

    /// <summary>Ends the call: the status (and trailers) go in trailers, or in the headers of a trailers-only response
    /// when nothing has been sent.</summary>
    public void Complete()
    {
        var cts = _deadlineCts;
        if (cts is not null)
        {
            CompleteWithDeadline(cts);
            return;
        }
        CompleteCore();
    }

    private void CompleteCore()
    {
        var cts = _deadlineCts;
        try
        {
            // (RequestAborted is not consulted here: on an aborted stream the status below is simply dropped.)
            if (_status.StatusCode == StatusCode.OK && IsDeadlineExceeded)
                _status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            WriteStatusToResponse();
        }
        finally
        {
            cts?.Dispose();
        }
    }

    private void WriteStatusToResponse()
    {
        if (!_responseStarted && !_http.Response.HasStarted)
        {
            WriteStatus(_http.Response.Headers);
        }
        else if (_http.Features.Get<IHttpResponseTrailersFeature>() is { } trailers)
        {
            WriteStatus(trailers.Trailers);
        }
    }

    private void WriteStatus(IHeaderDictionary target)
    {
        target.GrpcStatus = GrpcProtocol.StatusString(_status.StatusCode);
        if (_status.Detail.Length > 0) target.GrpcMessage = PercentEncoding.Encode(_status.Detail);
        if (_responseTrailers is { Count: > 0 }) MetadataHeaders.AddToHeaders(_responseTrailers, target);
    }

    private bool Reject(StatusCode code, string detail)
    {
        ServerLog.CallRejected(_info.Logger, _info.FullName, detail);
        var headers = _http.Response.Headers;
        headers.ContentType = GrpcProtocol.ContentType;
        headers.GrpcStatus = GrpcProtocol.StatusString(code);
        headers.GrpcMessage = PercentEncoding.Encode(detail);
        return false;
    }

    private void MarkResponseStarted() => _responseStarted = true;

    private PipeReader RequestReader => _http.Request.BodyReader;
}
