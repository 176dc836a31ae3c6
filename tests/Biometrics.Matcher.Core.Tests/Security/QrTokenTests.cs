using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Biometrics.Matcher.Security;
using Biometrics.Testing;

namespace Biometrics.Matcher.Core.Tests.Security;

public sealed class QrTokenTests : IDisposable
{
    private readonly ECDsa _issuerKey = DevKeys.CreateQrIssuerKey();
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly QrTokenIssuer _issuer;
    private readonly QrTokenValidator _validator;

    public QrTokenTests()
    {
        _issuer = new QrTokenIssuer("border-authority", _issuerKey, _clock);
        var pub = ECDsa.Create();
        pub.ImportSubjectPublicKeyInfo(_issuerKey.ExportSubjectPublicKeyInfo(), out _);
        _validator = new QrTokenValidator(new Dictionary<string, ECDsa> { ["border-authority"] = pub }, TimeSpan.FromSeconds(30), _clock);
    }

    public void Dispose()
    {
        _issuer.Dispose();
        _validator.Dispose();
    }

    [Fact]
    public void Validate_FreshToken_IsValidAndExposesNonceAndExpiry()
    {
        var token = _issuer.Issue("resident-42", TimeSpan.FromMinutes(5));
        Assert.StartsWith("q1.", token);
        var r = _validator.Validate(token);
        Assert.True(r.IsValid, r.Message);
        Assert.Equal("resident-42", r.Payload!.SubjectId);
        Assert.Equal(1_800_000_300, r.Payload.ExpiresAt);
        Assert.Equal(16, Base64Url.DecodeFromChars(r.Nonce).Length);
    }

    [Fact]
    public void Issue_TwoTokens_HaveDifferentNonces() =>
        Assert.NotEqual(_validator.Validate(_issuer.Issue("a", TimeSpan.FromMinutes(1))).Nonce, _validator.Validate(_issuer.Issue("a", TimeSpan.FromMinutes(1))).Nonce);

    [Fact]
    public void Validate_TamperedPayload_IsForged()
    {
        var token = _issuer.Issue("resident-42", TimeSpan.FromMinutes(5));
        var parts = token.Split('.');
        var json = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("resident-42", "resident-43", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json))}.{parts[2]}";
        Assert.Equal(QrTokenFailure.Forged, _validator.Validate(tampered).Failure);
    }

    [Fact]
    public void Validate_SignedWithAnotherKey_IsForged()
    {
        using var other = new QrTokenIssuer("border-authority", DevKeys.CreateQrIssuerKey(), _clock);
        Assert.Equal(QrTokenFailure.Forged, _validator.Validate(other.Issue("x", TimeSpan.FromMinutes(1))).Failure);
    }

    [Fact]
    public void Validate_UnknownIssuer_IsRefused()
    {
        using var other = new QrTokenIssuer("partner-x", DevKeys.CreateQrIssuerKey(), _clock);
        Assert.Equal(QrTokenFailure.UnknownIssuer, _validator.Validate(other.Issue("x", TimeSpan.FromMinutes(1))).Failure);
    }

    [Fact]
    public void Validate_PartnerIssuerWithItsOwnKey_IsValid()
    {
        using var partnerKey = DevKeys.CreateQrIssuerKey();
        var pub = ECDsa.Create();
        pub.ImportSubjectPublicKeyInfo(partnerKey.ExportSubjectPublicKeyInfo(), out _);
        var ourPub = ECDsa.Create();
        ourPub.ImportSubjectPublicKeyInfo(_issuerKey.ExportSubjectPublicKeyInfo(), out _);
        using var v = new QrTokenValidator(new Dictionary<string, ECDsa> { ["border-authority"] = ourPub, ["partner-x"] = pub }, timeProvider: _clock);
        var partner = new QrTokenIssuer("partner-x", ECDsa.Create(partnerKey.ExportParameters(true)), _clock);
        Assert.True(v.Validate(partner.Issue("t", TimeSpan.FromMinutes(1))).IsValid);
        Assert.True(v.Validate(_issuer.Issue("t", TimeSpan.FromMinutes(1))).IsValid);
    }

    [Fact]
    public void Validate_AfterExpiryPlusSkew_IsExpired()
    {
        var token = _issuer.Issue("x", TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromSeconds(60 + 29));
        Assert.True(_validator.Validate(token).IsValid); // within skew
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(QrTokenFailure.Expired, _validator.Validate(token).Failure);
    }

    [Fact]
    public void Validate_IssuedInTheFuture_IsNotYetValid()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var token = _issuer.Issue(new QrTokenPayload("border-authority", "x", now + 120, now + 300, QrTokenIssuer.NewNonce()));
        Assert.Equal(QrTokenFailure.NotYetValid, _validator.Validate(token).Failure);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("q1.abc")]
    [InlineData("q2.eyJ9.AAAA")]
    [InlineData("q1.!!!.AAAA")]
    [InlineData("q1.bm90IGpzb24.AAAA")]
    [InlineData("q1.e30.AAAA")]
    public void Validate_Garbage_IsMalformed(string? token) =>
        Assert.Equal(QrTokenFailure.Malformed, _validator.Validate(token).Failure);

    [Fact]
    public void Validate_ShortNonce_IsMalformed()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var token = _issuer.Issue(new QrTokenPayload("border-authority", "x", now, now + 60, "AAAA"));
        Assert.Equal(QrTokenFailure.Malformed, _validator.Validate(token).Failure);
    }

    [Fact]
    public void Validate_OverlongToken_IsMalformed() =>
        Assert.Equal(QrTokenFailure.Malformed, _validator.Validate("q1." + new string('A', 5000) + ".AAAA").Failure);

    [Fact]
    public void Validate_ShortSignature_IsForged()
    {
        var token = _issuer.Issue("x", TimeSpan.FromMinutes(1));
        var shortSig = token[..token.LastIndexOf('.')] + "." + Base64Url.EncodeToString(new byte[63]);
        Assert.Equal(QrTokenFailure.Forged, _validator.Validate(shortSig).Failure);
    }
}
