using System.Diagnostics;
using Xunit.Abstractions;

namespace Social.Web.Tests;

/// <summary>
/// The web client's own unit tests (<c>web/test/*.test.js</c>: event-sequence continuity, the
/// outbox, the chat timeline and other pure modules without a DOM) under <c>node --test</c>, so <c>dotnet test Social.sln</c>
/// runs them too.
/// </summary>
public sealed class ClientUnitTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task The_web_clients_node_tests_pass()
    {
        var web = Path.Combine(RepositoryRoot(), "web");
        var start = new ProcessStartInfo("node", ["--test", "test"])
        {
            WorkingDirectory = web,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process? node;
        try
        {
            node = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException("The web client's unit tests need Node.js on the PATH (apt-get install nodejs).", error);
        }

        using var process = node ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"node --test exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Social.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Social.sln not found above " + AppContext.BaseDirectory);
    }
}
