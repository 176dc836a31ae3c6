using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Biometrics.Grpc.Internal;
using Microsoft.AspNetCore.Http;

namespace Biometrics.Grpc.Server;

/// <summary>The <see cref="ServerCallContext"/> of one call served over a Kestrel HTTP/2 stream.</summary>
internal sealed partial class HttpServerCallContext : ServerCallContext
{
    private readonly HttpContext _http;
    private readonly ServerMethodInfo _info;
    private CancellationTokenSource? _deadlineCts;
    private DateTime _deadline = DateTime.MaxValue;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private Status _status = Status.DefaultSuccess;
    private Dictionary<object, object?>? _items;
    private ClaimsPrincipal? _user;
    private AuthContext? _authContext;
    private string? _peer;
    private string? _requestEncoding;
    private bool _responseStarted;

    public HttpServerCallContext(HttpContext http, ServerMethodInfo info)
    {
        _http = http;
        _info = info;
    }

    public HttpContext HttpContext => _http;

    public ServerMethodInfo Info => _info;

    public override string Method => _info.FullName;

    public override MethodType MethodType => _info.Method.Type;

    public override string Host => _http.Request.Host.Value ?? "";

    public override string Peer => _peer ??= FormatPeer(_http.Connection.RemoteIpAddress, _http.Connection.RemotePort);

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders => _requestHeaders ??= MetadataHeaders.FromHeaders(_http.Request.Headers);

    public override CancellationToken CancellationToken => _deadlineCts?.Token ?? _http.RequestAborted;

    public override Metadata ResponseTrailers => _responseTrailers ??= new Metadata();

    public override Status Status { get => _status; set => _status = value; }

    public override AuthContext AuthContext => _authContext ??= new AuthContext(_http.Connection.ClientCertificate);

    public override ClaimsPrincipal User { get => _user ?? _http.User; set => _user = value; }

    public override IDictionary<object, object?> Items => _items ??= [];

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        if (_responseStarted) throw new InvalidOperationException("Response headers can only be sent once per call.");
        if (_deadlineLock is not null) return WriteResponseHeadersLockedAsync(responseHeaders);
        MetadataHeaders.AddToHeaders(responseHeaders, _http.Response.Headers);
        _responseStarted = true;
        return _http.Response.StartAsync(CancellationToken);
    }

    private bool IsDeadlineExceeded => _deadlineCts is { IsCancellationRequested: true } && !_http.RequestAborted.IsCancellationRequested;

    private static string FormatPeer(IPAddress? address, int port) => address switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } when address.IsIPv4MappedToIPv6 => $"ipv4:{address.MapToIPv4()}:{port}",
        { AddressFamily: AddressFamily.InterNetworkV6 } => $"ipv6:[{address}]:{port}",
        _ => $"ipv4:{address}:{port}",
    };
}
