namespace Biometrics.LoadTest.Targets;

/// <summary>How the load tester reaches a gRPC server, as a gate would: address, TLS, bearer token.</summary>
public sealed record ConnectionOptions
{
    /// <summary><c>http://host:port</c> (h2c, prior knowledge) or <c>https://host:port</c> (TLS, h2 via ALPN); the first of
    /// <see cref="Addresses"/> when there are several.</summary>
    public required Uri Address { get; init; }

    /// <summary>Every matcher to balance over (the matcher scenarios; docs/SCALING.md); empty means <see cref="Address"/> alone.</summary>
    public IReadOnlyList<Uri> Addresses { get; init; } = [];

    /// <summary>Bearer token sent as <c>authorization: Bearer ...</c> on every call, if set.</summary>
    public string? BearerToken { get; init; }

    /// <summary>PEM file of a CA to trust for the server certificate (TLS), if set.</summary>
    public string? CaCertificateFile { get; init; }

    /// <summary>Accept any server certificate (tests only).</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Per-call deadline, sent as <c>grpc-timeout</c>; none when null.</summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>HTTP/2 connections to open at most (each carries up to the server's stream limit).</summary>
    public int Connections { get; init; } = 4;
}
