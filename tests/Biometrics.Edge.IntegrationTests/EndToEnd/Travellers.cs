using Biometrics.Edge.Enrolment;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.EndToEnd;

/// <summary>
/// Who is who in the end-to-end tests (deepface photos; same-person pairs from its <c>master.csv</c>). Lane photos are
/// ones that pass the edge's quality and liveness gate when they fill a 640x480 frame (img1, img5 and img3, img15);
/// enrolment photos are other photos of the same people.
/// </summary>
internal static class Travellers
{
    /// <summary>Enrolled resident, from img2; img1 and img5 are the same person at the lane.</summary>
    public const string Resident = "traveller-a";

    /// <summary>Enrolled resident from img14 who is also on the watchlist (as <see cref="Watched"/>, from img13); img15 at the lane.</summary>
    public const string WatchedResident = "traveller-c";

    /// <summary>The watchlist entry of the person of img13..15.</summary>
    public const string Watched = "watch-c";

    public static string Photo(string name) => SharedFiles.Face("deepface", name + ".jpg");

    /// <summary>A photo of the resident at the lane.</summary>
    public static string ResidentAtLane => Photo("img1");

    /// <summary>Another photo of the resident at the lane (a second visit).</summary>
    public static string ResidentAgain => Photo("img5");

    /// <summary>Someone who is enrolled nowhere (img3).</summary>
    public static string Stranger => Photo("img3");

    /// <summary>The watchlisted person at the lane (img15).</summary>
    public static string WatchedAtLane => Photo("img15");

    /// <summary>Gallery to the subjects enrolled into it.</summary>
    public static IReadOnlyList<(string Gallery, List<EnrolmentItem> Items)> Enrolments =>
    [
        ("residents", [new EnrolmentItem(Resident, [Photo("img2")]), new EnrolmentItem(WatchedResident, [Photo("img14")])]),
        ("watchlist", [new EnrolmentItem(Watched, [Photo("img13")])]),
    ];
}
