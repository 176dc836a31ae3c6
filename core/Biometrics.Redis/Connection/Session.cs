using System.IO.Pipelines;
using System.Net.Sockets;

namespace Biometrics.Redis.Connection;

/// <summary>One socket's lifetime: stream, pipe reader, and the reader and writer loops running on it.</summary>
internal sealed class Session(Socket socket, Stream stream, PipeReader reader) : IDisposable
{
    private int _closed;

    public Socket Socket { get; } = socket;
    public Stream Stream { get; } = stream;
    public PipeReader Reader { get; } = reader;
    public Task WriterTask { get; set; } = Task.CompletedTask;
    public Task ReaderTask { get; set; } = Task.CompletedTask;
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Closes the socket so both loops end; safe to call more than once, from any thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { Socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        Stream.Dispose();
        Socket.Dispose();
    }
}
