import { Option } from "@commander-js/extra-typings";

export function consumerOption(defaultValue: "sdk" | "agent" = "sdk") {
  return new Option("--for <consumer>", "whose view: the Python SDK or clearml-agent")
    .choices(["sdk", "agent"] as const)
    .default(defaultValue);
}
