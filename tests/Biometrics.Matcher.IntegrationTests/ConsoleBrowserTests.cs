using System.Globalization;
using System.Text.Json;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using OpenCvSharp;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// The console in Debian's headless chromium (docs/OPERATIONS.md, "Console"), served by a replica of its own with the face
/// pipeline on the fixture's redis-server, its enrolment sharpness limit at the default so that a blurred photo is refused:
/// the lanes page loads and updates as verdicts and a watchlist alert arrive; the enrolment page checks and enrols a
/// deepface photo, looks it up and erases it, and refuses a blurred one with the reason shown. Screenshots are kept under
/// the test output folder (<c>console-screenshots/</c>).
/// </summary>
[Collection(MatcherCollection.Name)]
public sealed class ConsoleBrowserTests(MatcherFixture fx) : IAsyncLifetime
{
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "console-screenshots");
    private MatcherInstance _m = null!;
    private HeadlessChromium _browser = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = FreePort.Next();
        _m = await MatcherInstance.StartAsync(fx.Redis.EndPoint, fx.KeysDirectory, pipeline: true, extra: new Dictionary<string, string?>
        {
            ["Telemetry:MetricsPort"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Matcher:Matching:EnrolmentQuality:MinSharpness"] = "40",
        });
        _browser = await HeadlessChromium.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        if (_m is not null) await _m.DisposeAsync();
    }

    private string Page(string path) => $"http://127.0.0.1:{_port}/console/{path}";

    private async Task SignInAsync(string role) => await _browser.EvaluateAsync(
        $"(() => {{ const t = document.getElementById('token'); t.value = {JsonSerializer.Serialize(_m.Token(role))}; t.dispatchEvent(new Event('change')); return true; }})()");

    [Fact]
    public async Task LanesPage_VerdictsAndAWatchlistHitArrive_PageUpdates()
    {
        await _browser.NavigateAsync(Page(""));
        await SignInAsync("operator");
        await _browser.WaitForAsync("document.getElementById('status').textContent.startsWith('updated')", TimeSpan.FromSeconds(20));

        // A watchlist entry, then a lane whose traveller matches the claim and the watchlist: REFER with the hit.
        var wanted = Vectors.Random(4242);
        var entry = await _m.Enrolment.EnrolAsync(new EnrolRequest { RequestId = "console-wl", SubjectId = "console-wl-1", Template = Vectors.Embedding(wanted), Galleries = { "watchlist" } },
            _m.As("enrolment")).ResponseAsync;
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!(await _m.Operations.GetStatusAsync(new GetStatusRequest(), _m.As("operator"))).Galleries.Any(g => g.Name == "watchlist" && g.Templates > 0))
        {
            Assert.True(DateTime.UtcNow < until, "the watchlist gallery never got its entry");
            await Task.Delay(100);
        }

        Assert.Equal(Decision.Accept, (await SessionAsync("lane-7", Vectors.Random(77), Vectors.Random(77))).Decision);
        await _browser.WaitForAsync("document.querySelector('#lanes tbody').innerText.includes('console-gate') && " +
                                    "document.querySelector('#verdicts tbody').innerText.includes('ACCEPT')", TimeSpan.FromSeconds(20));
        var refer = await SessionAsync("lane-8", wanted, wanted);
        Assert.Equal((Decision.Refer, "watchlist_hit"), (refer.Decision, refer.Reason));
        await _browser.WaitForAsync($"document.querySelector('#alerts tbody').innerText.includes('{entry.SubjectKey}')", TimeSpan.FromSeconds(20));
        await _browser.WaitForAsync("document.querySelector('#verdicts tbody').innerText.includes('watchlist_hit')", TimeSpan.FromSeconds(20));
        Assert.Contains("watchlist", await _browser.TextAsync("#galleries tbody"), StringComparison.Ordinal);
        Assert.NotEqual("-", await _browser.TextAsync("#p50"));
        await _browser.ScreenshotAsync(Path.Combine(s_screenshots, "lanes.png"));
    }

    [Fact]
    public async Task EnrolmentPage_DeepfacePhotoEnrolledLookedUpErased_BlurredPhotoRefusedWithTheReason()
    {
        var (_, members) = fx.Faces.Identities.First();
        var photo = Path.Combine(fx.Faces.Root, Deepface.Representative(members));
        var blurred = Path.Combine(Path.GetTempPath(), "biometrics-blurred-" + Guid.NewGuid().ToString("N")[..8] + ".jpg");
        using (var image = Cv2.ImRead(photo))
        {
            // Strong enough to survive the pipeline's downscaling to the aligned face (the sharpness is measured there).
            Cv2.GaussianBlur(image, image, new OpenCvSharp.Size(0, 0), Math.Max(image.Width, image.Height) / 40.0);
            Cv2.ImWrite(blurred, image);
        }

        try
        {
            await _browser.NavigateAsync(Page("enrol"));
            await SignInAsync("enrolment");
            await _browser.EvaluateAsync("window.confirm = () => true");

            // A good photo: measured, accepted, enrolled, found, erased.
            await _browser.SetFileAsync("#photo", photo);
            await _browser.WaitForAsync("document.getElementById('check-result').textContent.startsWith('Photo accepted')", TimeSpan.FromSeconds(60));
            Assert.Contains("sharpness", await _browser.TextAsync("#quality tbody"), StringComparison.Ordinal);
            await _browser.EvaluateAsync("document.getElementById('subject').value = 'console-desk-1'");
            await _browser.EvaluateAsync("document.getElementById('enrol').click()");
            await _browser.WaitForAsync("document.getElementById('result').textContent.startsWith('Enrolled: version')", TimeSpan.FromSeconds(60));
            await _browser.ScreenshotAsync(Path.Combine(s_screenshots, "enrol-accepted.png"));
            await _browser.EvaluateAsync("document.getElementById('lookup').click()");
            await _browser.WaitForAsync("document.getElementById('result').textContent.startsWith('Enrolled, version')", TimeSpan.FromSeconds(30));
            Assert.Contains("residents", await _browser.TextAsync("#subject-info"), StringComparison.Ordinal);
            await _browser.EvaluateAsync("document.getElementById('erase').click()");
            await _browser.WaitForAsync("document.getElementById('result').textContent.startsWith('Erased')", TimeSpan.FromSeconds(30));

            // A blurred photo: refused at the check and at enrolment, the reason shown.
            await _browser.SetFileAsync("#photo", blurred);
            await _browser.WaitForAsync("document.getElementById('check-result').textContent.includes('refused: low_quality:sharpness')", TimeSpan.FromSeconds(60));
            await _browser.EvaluateAsync("document.getElementById('subject').value = 'console-desk-2'");
            await _browser.EvaluateAsync("document.getElementById('enrol').click()");
            await _browser.WaitForAsync("document.getElementById('result').textContent.startsWith('Refused (RejectedQuality)') && " +
                                        "document.getElementById('result').textContent.includes('sharpness')", TimeSpan.FromSeconds(60));
            await _browser.ScreenshotAsync(Path.Combine(s_screenshots, "enrol-refused.png"));
        }
        finally
        {
            File.Delete(blurred);
        }
    }

    private async Task<Verdict> SessionAsync(string lane, float[] claim, float[] probe)
    {
        using var call = _m.Matcher.GateSession(_m.As("gate", 30));
        await call.RequestStream.WriteAsync(new GateSessionRequest
        {
            Open = new GateSessionOpen { GateId = "console-gate", LaneId = lane, BudgetMs = 5000, SessionId = "c-" + lane, Claim = new Claim { ReferenceTemplate = Vectors.Embedding(claim) } },
        });
        await call.RequestStream.WriteAsync(new GateSessionRequest { Probe = Vectors.Probe(probe) });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        var verdict = call.ResponseStream.Current.Verdict;
        await call.RequestStream.CompleteAsync();
        return verdict;
    }
}
