using System.Globalization;
using System.Text;
using Biometrics.Matcher.Services;
using Grpc.Core;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// How the matcher words a failed call: status code, a <c>grpc-message</c> of the form <c>reason: text</c> and the
/// reason alone in the <c>biometrics-reason</c> trailer (docs/MATCHER.md, "Errors"). Messages never echo unbounded
/// caller input: every text is cut to <see cref="MaxMessageLength"/> characters of printable ASCII. Thread-safe.
/// </summary>
public static class RpcErrors
{
    /// <summary>The trailer (or, on a trailers-only answer, header) that carries the machine-readable reason.</summary>
    public const string ReasonKey = "biometrics-reason";

    /// <summary>The longest status message sent, characters.</summary>
    public const int MaxMessageLength = 256;

    /// <summary>The gRPC form of a domain failure.</summary>
    public static RpcException ToRpc(MatcherException ex) => Rpc(ex.Kind switch
    {
        MatcherErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        MatcherErrorKind.NotFound => StatusCode.NotFound,
        MatcherErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        MatcherErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        MatcherErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        MatcherErrorKind.DeadlineExceeded => StatusCode.DeadlineExceeded,
        MatcherErrorKind.Unavailable => StatusCode.Unavailable,
        MatcherErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        MatcherErrorKind.Aborted => StatusCode.Aborted,
        _ => StatusCode.Unknown,
    }, ex.Reason, ex.Message);

    /// <summary>An <see cref="RpcException"/> with <c>reason: message</c> and the reason trailer.</summary>
    public static RpcException Rpc(StatusCode code, string reason, string message)
    {
        var safeReason = Sanitise(reason, 64);
        return new RpcException(new Status(code, Detail(safeReason, message)), new Metadata { { ReasonKey, safeReason } });
    }

    /// <summary>The status detail <c>reason: message</c>, bounded and sanitised.</summary>
    public static string Detail(string reason, string message) => Sanitise(reason + ": " + message, MaxMessageLength);

    /// <summary>At most <paramref name="max"/> characters of <paramref name="text"/>, anything but printable ASCII replaced
    /// by '?', and "..." when it was cut.</summary>
    public static string Sanitise(string? text, int max = MaxMessageLength)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var cut = text.Length > max;
        var length = cut ? max - 3 : text.Length;
        var clean = true;
        for (var i = 0; i < length && clean; i++) clean = text[i] is >= ' ' and <= '~';
        if (clean && !cut) return text;
        var sb = new StringBuilder(length + 3);
        for (var i = 0; i < length; i++) sb.Append(text[i] is >= ' ' and <= '~' ? text[i] : '?');
        if (cut) sb.Append("...");
        return sb.ToString();
    }

    /// <summary>Writes a trailers-only gRPC answer (HTTP 200, <c>application/grpc</c>, <c>grpc-status</c>, percent-encoded
    /// <c>grpc-message</c>, the reason header) for a call refused before it reached its service.</summary>
    public static Task WriteTrailersOnlyAsync(Microsoft.AspNetCore.Http.HttpContext http, StatusCode code, string reason, string message)
    {
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(Detail(reason, message));
        response.Headers[ReasonKey] = Sanitise(reason, 64);
        return Task.CompletedTask;
    }

    /// <summary>grpc-message encoding: bytes outside 0x20..0x7E and '%' become <c>%XX</c> (UTF-8).</summary>
    public static string PercentEncode(string message)
    {
        var plain = true;
        foreach (var c in message) plain &= c is >= ' ' and <= '~' and not '%';
        if (plain) return message;
        var sb = new StringBuilder(message.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%') sb.Append((char)b);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
