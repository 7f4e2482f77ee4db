namespace Social.Grains.Users;

[GenerateSerializer, Alias("Social.Plan")]
public enum Plan
{
    Free = 0,
    Pro = 1,
}
