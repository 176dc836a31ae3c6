namespace Biometrics.Grpc.Internal;

/// <summary>Which services are mapped (so an unknown method of a known service and an unknown service get distinct
/// UNIMPLEMENTED messages), and whether the catch-all route is in place. Singleton; used at start-up.</summary>
internal sealed class GrpcServiceRegistry
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public bool FallbackMapped { get; set; }

    public void AddService(string serviceName)
    {
        lock (_lock) _services.Add(serviceName);
    }

    public bool IsKnownService(string serviceName)
    {
        lock (_lock) return _services.Contains(serviceName);
    }
}
