using System.Net;
using System.Net.Sockets;

namespace Biometrics.Testing;

/// <summary>Finds free TCP ports on the loopback interface for servers started by tests.</summary>
public static class FreePort
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago (bind to port 0 and release).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
