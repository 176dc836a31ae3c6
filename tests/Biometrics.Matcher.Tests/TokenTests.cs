using System.Security.Cryptography;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Tokens;

namespace Biometrics.Matcher.Tests;

public sealed class TokenTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void BearerToken_Issued_ValidatesWithRoleAndGate()
    {
        var svc = new BearerTokenService(Key);
        var token = svc.Issue(new BearerIdentity("gate-7", Roles.Gate, "g7", DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.True(svc.TryValidate(token, out var id, out _));
        Assert.Equal((Roles.Gate, "gate-7", "g7"), (id!.Role, id.Subject, id.GateId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bt1.")]
    [InlineData("bt1.abc.def")]
    [InlineData("Bearer xyz")]
    public void BearerToken_Malformed_Refused(string token) => Assert.False(new BearerTokenService(Key).TryValidate(token, out _, out _));

    [Fact]
    public void BearerToken_OtherKeyOrExpired_Refused()
    {
        var svc = new BearerTokenService(Key);
        var other = new BearerTokenService(RandomNumberGenerator.GetBytes(32));
        var token = other.Issue(new BearerIdentity("x", Roles.Operator, "", DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.False(svc.TryValidate(token, out _, out var e1));
        Assert.Contains("signature", e1);
        var expired = svc.Issue(new BearerIdentity("x", Roles.Operator, "", DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.False(svc.TryValidate(expired, out _, out var e2));
        Assert.Contains("expired", e2);
    }

    [Fact]
    public void QrToken_ValidForgedExpiredUnknownIssuer_ReasonPerCase()
    {
        using var issuer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var qr = new QrTokens(new Dictionary<string, ECDsa> { ["dev"] = issuer });
        var claims = new QrTokenClaims("dev", "subject-1", DateTimeOffset.UtcNow.AddMinutes(2), "nonce-0123456789abcdef");
        Assert.Equal("subject-1", qr.Validate(QrTokens.Create(claims, issuer)).SubjectId);
        Assert.Equal("qr_bad_signature", Refused(qr, QrTokens.Create(claims, forger)));
        Assert.Equal("qr_expired", Refused(qr, QrTokens.Create(claims with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, issuer)));
        Assert.Equal("qr_unknown_issuer", Refused(qr, QrTokens.Create(claims with { Issuer = "elsewhere" }, issuer)));
        Assert.Equal("qr_malformed", Refused(qr, "qr1.%%%.AAAA"));
        var token = QrTokens.Create(claims, issuer);
        var tampered = token[..8] + (token[8] == 'A' ? 'B' : 'A') + token[9..];
        Assert.NotEqual("ok", Refused(qr, tampered));
    }

    private static string Refused(QrTokens qr, string token)
    {
        try
        {
            qr.Validate(token);
            return "ok";
        }
        catch (MatcherException ex)
        {
            Assert.Equal(MatcherErrorKind.PermissionDenied, ex.Kind);
            return ex.Reason;
        }
    }
}
