namespace Social.Client.Realtime;

/// <summary>How an event's position relates to the last one applied (docs/api.md, "Event positions").</summary>
internal enum Step
{
    /// <summary>No position (typing, error): deliver as is.</summary>
    Unpositioned,

    /// <summary>The very next event.</summary>
    Next,

    /// <summary>Already applied.</summary>
    Duplicate,

    /// <summary>Something between was missed (a skipped seq, or a new epoch no resync announced).</summary>
    Gap,
}

/// <summary>What a new connection's <c>session</c> position asks of the client.</summary>
internal enum SessionPlan
{
    /// <summary>Nothing was missed.</summary>
    Live,

    /// <summary>Ask <c>Resume</c> for what happened since the last position.</summary>
    Resume,

    /// <summary>Replay cannot help (another epoch): catch up through REST.</summary>
    CatchUp,
}

/// <summary>The continuity rules, free of I/O.</summary>
internal static class Continuity
{
    public static Step Classify(EventPosition? last, EventPosition? at)
    {
        if (at is null)
        {
            return Step.Unpositioned;
        }

        if (last is null || at.Epoch != last.Epoch)
        {
            return Step.Gap;
        }

        return at.Seq <= last.Seq ? Step.Duplicate : at.Seq == last.Seq + 1 ? Step.Next : Step.Gap;
    }

    public static SessionPlan Plan(EventPosition last, EventPosition session) =>
        last.Epoch != session.Epoch || last.Seq > session.Seq ? SessionPlan.CatchUp
        : last.Seq == session.Seq ? SessionPlan.Live
        : SessionPlan.Resume;
}
