using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using Biometrics.Redis.Protocol;

namespace Biometrics.Redis.Connection;

internal sealed partial class PhysicalConnection
{
    /// <summary>TCP connect, optional TLS, then HELLO/AUTH/SETNAME/SELECT, all within <see cref="RedisOptions.ConnectTimeout"/>.</summary>
    private async Task<Session> OpenSessionAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (_options.UseTls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = _options.TlsHost ?? _options.Host,
                    RemoteCertificateValidationCallback = _options.RemoteCertificateValidation,
                }, timeout.Token).ConfigureAwait(false);
            }

            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 8 * 1024, leaveOpen: true));
            await HandshakeAsync(stream, reader, timeout.Token).ConfigureAwait(false);
            return new Session(socket, stream, reader);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Dispose(stream, socket);
            throw new RedisConnectionException($"Connecting to Redis at {EndPoint} timed out after {_options.ConnectTimeout.TotalMilliseconds:0} ms.");
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            Dispose(stream, socket);
            throw new RedisConnectionException($"Could not connect to Redis at {EndPoint}: {ex.Message}", ex);
        }
        catch
        {
            Dispose(stream, socket);
            throw;
        }

        static void Dispose(Stream? stream, Socket socket)
        {
            stream?.Dispose();
            socket.Dispose();
        }
    }

    private async Task HandshakeAsync(Stream stream, PipeReader reader, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferWriter(1024);
        var names = new List<string>(4);
        if (_options.Protocol == RedisProtocol.Resp3)
        {
            var parts = new List<RedisValue> { "HELLO", 3 };
            if (_options.Password is not null)
            {
                parts.Add("AUTH");
                parts.Add(_options.User ?? "default");
                parts.Add(_options.Password);
            }

            if (_options.ClientName is not null)
            {
                parts.Add("SETNAME");
                parts.Add(_options.ClientName);
            }

            RespWriter.WriteCommand(buffer, parts.ToArray());
            names.Add("HELLO 3");
        }
        else
        {
            if (_options.Password is not null)
            {
                if (_options.User is not null)
                {
                    RespWriter.WriteCommand(buffer, ["AUTH", _options.User, _options.Password]);
                }
                else
                {
                    RespWriter.WriteCommand(buffer, ["AUTH", _options.Password]);
                }

                names.Add("AUTH");
            }

            if (_options.ClientName is not null)
            {
                RespWriter.WriteCommand(buffer, ["CLIENT", "SETNAME", _options.ClientName]);
                names.Add("CLIENT SETNAME");
            }
        }

        if (_options.Database != 0)
        {
            RespWriter.WriteCommand(buffer, ["SELECT", _options.Database]);
            names.Add("SELECT");
        }

        // Readiness: a server still loading its dataset (after a restart) accepts connections but answers data commands
        // with LOADING. PING is refused while loading too, so the connection only counts as up once the server can serve;
        // until then callers fail fast with RedisConnectionException and the reconnect loop keeps trying.
        RespWriter.WriteCommand(buffer, ["PING"]);
        names.Add("PING");
        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        foreach (var name in names)
        {
            var reply = await ReadOneAsync(reader, cancellationToken).ConfigureAwait(false);
            if (reply.Kind == RespReplyKind.Error)
            {
                var loading = reply.Error!.StartsWith("LOADING", StringComparison.Ordinal);
                throw new RedisConnectionException(
                    loading ? $"Redis at {EndPoint} is still loading its dataset: not ready yet" : $"Redis at {EndPoint} refused {name}: {reply.Error}",
                    new RedisServerException(reply.Error!));
            }

            reply.Release();
        }
    }

    private static async Task<RespReply> ReadOneAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (TryParseOne(result.Buffer, out var reply, out var consumed))
            {
                reader.AdvanceTo(consumed);
                return reply;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("the server closed the connection during the handshake");
            }
        }
    }

    private static bool TryParseOne(in ReadOnlySequence<byte> buffer, out RespReply reply, out SequencePosition consumed)
    {
        var probe = new SequenceReader<byte>(buffer);
        if (!RespParser.TrySkip(ref probe))
        {
            reply = default;
            consumed = buffer.Start;
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        reply = RespParser.ParseReply(ref reader);
        consumed = reader.Position;
        return true;
    }
}
