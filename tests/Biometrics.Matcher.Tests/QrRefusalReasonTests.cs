using System.Security.Cryptography;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Services;

namespace Biometrics.Matcher.Tests;

/// <summary>The wire reason codes of refused QR tokens (docs/SECURITY.md), from the validator's failures.</summary>
public sealed class QrRefusalReasonTests : IDisposable
{
    private readonly QrTokenIssuer _issuer;
    private readonly QrTokenIssuer _forger = new("dev", DevKeys.CreateQrIssuerKey());
    private readonly QrTokenIssuer _elsewhere = new("elsewhere", DevKeys.CreateQrIssuerKey());
    private readonly QrTokenValidator _validator;

    public QrRefusalReasonTests()
    {
        var privateKey = DevKeys.CreateQrIssuerKey();
        var publicKey = ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(privateKey.ExportSubjectPublicKeyInfo(), out _);
        _issuer = new QrTokenIssuer("dev", privateKey);
        _validator = new QrTokenValidator(new Dictionary<string, ECDsa> { ["dev"] = publicKey }, TimeSpan.FromSeconds(5));
    }

    public void Dispose()
    {
        _validator.Dispose();
        _issuer.Dispose();
        _forger.Dispose();
        _elsewhere.Dispose();
    }

    [Fact]
    public void QrRefusalReason_EachFailure_HostReasonCode()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.True(_validator.Validate(_issuer.Issue("subject-1", TimeSpan.FromMinutes(2))).IsValid);
        Assert.Equal("qr_bad_signature", Reason(_forger.Issue("subject-1", TimeSpan.FromMinutes(2))));
        Assert.Equal("qr_expired", Reason(_issuer.Issue(new QrTokenPayload("dev", "subject-1", now - 600, now - 60, QrTokenIssuer.NewNonce()))));
        Assert.Equal("qr_not_yet_valid", Reason(_issuer.Issue(new QrTokenPayload("dev", "subject-1", now + 600, now + 900, QrTokenIssuer.NewNonce()))));
        Assert.Equal("qr_unknown_issuer", Reason(_elsewhere.Issue("subject-1", TimeSpan.FromMinutes(2))));
        Assert.Equal("qr_malformed", Reason("q1.%%%.AAAA"));
        Assert.Equal("qr_malformed", Reason("qr1.e30.AAAA")); // the retired format of the former Tokens code
    }

    [Fact]
    public void QrRefusalReason_TamperedCharacter_Refused()
    {
        var token = _issuer.Issue("subject-1", TimeSpan.FromMinutes(2));
        var tampered = token[..8] + (token[8] == 'A' ? 'B' : 'A') + token[9..];
        Assert.False(_validator.Validate(tampered).IsValid);
    }

    private string Reason(string token)
    {
        var r = _validator.Validate(token);
        Assert.False(r.IsValid);
        return ClaimResolver.QrRefusalReason(r.Failure);
    }
}
