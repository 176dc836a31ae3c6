using System.Reflection;
using Biometrics.Contract;
using Biometrics.Matcher.Grpc;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Telemetry;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Biometrics.Matcher.OpsConsole;

/// <summary>
/// The console on the operations listener (docs/OPERATIONS.md, "Console"): static pages (<c>/console/</c> live lanes,
/// <c>/console/enrol</c> enrolment desk; embedded in the assembly, no build step) polling a small JSON API. Every API call
/// carries the same bearer token as the gRPC API and passes the same policy as the RPC it stands for: the board needs
/// <c>read</c> (operator), checking a photo and enrolling <c>enrol</c>, looking up <c>read-or-enrol</c>, erasing
/// <c>delete</c> (enrolment). Refusals are 401/403 with a JSON <c>error</c>; bad input is 400 with the reason.
/// </summary>
public static class ConsoleEndpoints
{
    /// <summary>The console's path prefix.</summary>
    public const string Root = "/console";

    private const int MaxImageBytes = 8 * 1024 * 1024;

    private static readonly (string Name, string File, string Type)[] s_pages =
    [
        ("", "index.html", "text/html; charset=utf-8"),
        ("enrol", "enrol.html", "text/html; charset=utf-8"),
        ("console.js", "console.js", "text/javascript; charset=utf-8"),
        ("console.css", "console.css", "text/css; charset=utf-8"),
    ];

    /// <summary>Maps the pages and the API.</summary>
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var (name, file, type) in s_pages)
        {
            var bytes = Resource(file);
            // Routing matches /console and /console/ alike; the pages' relative links need the slash.
            app.MapGet(Root + "/" + name, (HttpContext http) => name.Length == 0 && !http.Request.Path.Value!.EndsWith('/')
                ? Results.Redirect(Root + "/")
                : Results.Bytes(bytes, type));
        }

        app.MapGet(Root + "/api/board", async (HttpContext http) =>
            await AuthorizeAsync(http, MatcherPolicies.Read) is { } refused
                ? refused
                : Results.Json(http.RequestServices.GetRequiredService<MatcherTelemetry>().Board.Snapshot()));
        app.MapPost(Root + "/api/check", (Delegate)CheckAsync);
        app.MapPost(Root + "/api/enrol", EnrolAsync);
        app.MapGet(Root + "/api/subject", GetSubjectAsync);
        app.MapDelete(Root + "/api/subject", DeleteSubjectAsync);
        return app;
    }

    // The photo's quality measured by the matcher's pipeline and judged by the enrolment limits; nothing is stored.
    private static async Task<IResult> CheckAsync(HttpContext http)
    {
        if (await AuthorizeAsync(http, MatcherPolicies.Enrol) is { } refused) return refused;
        var (image, bad) = await ReadImageAsync(http);
        if (bad is not null) return bad;
        var services = http.RequestServices;
        var limits = services.GetRequiredService<MatchingOptions>().EnrolmentQuality;
        try
        {
            var face = await services.GetRequiredService<FaceResolver>().ResolveAsync(FaceInput.FromImage(image), "photo", http.RequestAborted);
            if (face is null) return Results.Json(new PhotoCheck(false, "no_face", "no face was found in the photo", null, limits));
            var check = limits.Check(face.Quality);
            return Results.Json(new PhotoCheck(check.Passed, check.Reason ?? "", check.Text ?? "", face.Quality, limits));
        }
        catch (MatcherException ex)
        {
            return Error(ex);
        }
    }

    private static async Task<IResult> EnrolAsync(HttpContext http, string? subject, string? requestId, string? gallery)
    {
        if (await AuthorizeAsync(http, MatcherPolicies.Enrol) is { } refused) return refused;
        var (image, bad) = await ReadImageAsync(http);
        if (bad is not null) return bad;
        var services = http.RequestServices;
        try
        {
            var command = new EnrolCommand(requestId ?? "", subject ?? "", [image], null, string.IsNullOrEmpty(gallery) ? [] : [gallery], Actor(http));
            var outcome = await services.GetRequiredService<EnrolmentService>().EnrolAsync(command, http.RequestAborted);
            services.GetRequiredService<MatcherTelemetry>().Enrolment(outcome);
            return Results.Json(new EnrolAnswer(outcome.Status.ToString(), outcome.SubjectKey, outcome.Version, outcome.ModelId, outcome.Quality, outcome.Reason,
                outcome.Replayed));
        }
        catch (MatcherException ex)
        {
            return Error(ex);
        }
    }

    private static async Task<IResult> GetSubjectAsync(HttpContext http, string? subject)
    {
        if (await AuthorizeAsync(http, MatcherPolicies.ReadOrEnrol) is { } refused) return refused;
        try
        {
            return Results.Json(await http.RequestServices.GetRequiredService<EnrolmentService>().GetSubjectAsync(subject ?? "", http.RequestAborted));
        }
        catch (MatcherException ex)
        {
            return Error(ex);
        }
    }

    private static async Task<IResult> DeleteSubjectAsync(HttpContext http, string? subject, string? requestId)
    {
        if (await AuthorizeAsync(http, MatcherPolicies.Delete) is { } refused) return refused;
        try
        {
            var key = await http.RequestServices.GetRequiredService<EnrolmentService>().DeleteAsync(subject ?? "", requestId ?? "", Actor(http), http.RequestAborted);
            return Results.Json(new { subjectKey = key, deleted = true });
        }
        catch (MatcherException ex)
        {
            return Error(ex);
        }
    }

    /// <summary>Null when the caller's bearer token passes <paramref name="policy"/>, else the refusal to send.</summary>
    private static async Task<IResult?> AuthorizeAsync(HttpContext http, string policy)
    {
        var auth = await http.AuthenticateAsync(BearerAuthenticationHandler.SchemeName);
        if (!auth.Succeeded)
        {
            return Results.Json(new { error = auth.None ? "A bearer token is required (the same tokens as the gRPC API)." : "The bearer token was refused." },
                statusCode: StatusCodes.Status401Unauthorized);
        }

        http.User = auth.Principal;
        var result = await http.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(auth.Principal, policy);
        if (result.Succeeded) return null;
        var role = auth.Principal.Identity is BearerIdentity id ? RolePolicy.ToWireName(id.Bearer.Role) : "none";
        var allowed = MatcherPolicies.AllowedRoles(policy) ?? [];
        return Results.Json(new { error = $"Role '{role}' may not do this; allowed: {string.Join(", ", allowed.Select(RolePolicy.ToWireName))}." },
            statusCode: StatusCodes.Status403Forbidden);
    }

    private static string Actor(HttpContext http) =>
        http.User.Identity is BearerIdentity id ? RolePolicy.ToWireName(id.Bearer.Role) + ":" + id.Bearer.Subject : "anonymous";

    private static async Task<(ReadOnlyMemory<byte> Image, IResult? Bad)> ReadImageAsync(HttpContext http)
    {
        if (http.Request.ContentLength is > MaxImageBytes) return (default, BadRequest("image_too_large", "The photo is larger than 8 MiB."));
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length > MaxImageBytes) return (default, BadRequest("image_too_large", "The photo is larger than 8 MiB."));
        if (buffer.Length == 0) return (default, BadRequest("empty_image", "Send the photo (JPEG or PNG) as the request body."));
        return (buffer.ToArray(), null);
    }

    private static IResult Error(MatcherException ex) => Results.Json(new { error = ex.Message, reason = ex.Reason }, statusCode: ex.Kind switch
    {
        MatcherErrorKind.InvalidArgument => StatusCodes.Status400BadRequest,
        MatcherErrorKind.NotFound => StatusCodes.Status404NotFound,
        MatcherErrorKind.FailedPrecondition or MatcherErrorKind.Aborted => StatusCodes.Status409Conflict,
        MatcherErrorKind.PermissionDenied => StatusCodes.Status403Forbidden,
        MatcherErrorKind.ResourceExhausted => StatusCodes.Status413PayloadTooLarge,
        MatcherErrorKind.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status503ServiceUnavailable,
    });

    private static IResult BadRequest(string reason, string message) =>
        Results.Json(new { error = message, reason }, statusCode: StatusCodes.Status400BadRequest);

    private static byte[] Resource(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("OpsConsole/" + file)
                           ?? throw new InvalidOperationException($"console page {file} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed record PhotoCheck(bool Passed, string Reason, string Text, ProbeQuality? Quality, QualityLimits Limits);

    private sealed record EnrolAnswer(string Status, string SubjectKey, long Version, string ModelId, ProbeQuality? Quality, string Reason, bool Replayed);
}
