namespace Biometrics.Grpc.Client;

/// <summary>What the public call objects need from a running call.</summary>
internal interface IClientCall : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }
    Status GetStatus();
    Metadata GetTrailers();
}
