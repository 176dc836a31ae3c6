using System.Security.Claims;

namespace Biometrics.Grpc.Tests;

/// <summary>A <see cref="ServerCallContext"/> for calling service implementations directly.</summary>
internal sealed class FakeServerCallContext(CancellationToken cancellationToken) : ServerCallContext
{
    public override string Method => "/test/Method";
    public override MethodType MethodType => MethodType.Unary;
    public override string Host => "localhost";
    public override string Peer => "ipv4:127.0.0.1:1";
    public override DateTime Deadline => DateTime.MaxValue;
    public override Metadata RequestHeaders { get; } = new();
    public override CancellationToken CancellationToken => cancellationToken;
    public override Metadata ResponseTrailers { get; } = new();
    public override Status Status { get; set; }
    public override AuthContext AuthContext { get; } = new(null);
    public override ClaimsPrincipal User { get; set; } = new();
    public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();
    public override Task WriteResponseHeadersAsync(Metadata responseHeaders) => Task.CompletedTask;
}
