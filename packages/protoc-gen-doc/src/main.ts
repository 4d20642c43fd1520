import { runNodeJs } from "@bufbuild/protoplugin";
import { protocGenDoc } from "./plugin.js";

// Reads a CodeGeneratorRequest on stdin and writes the CodeGeneratorResponse to stdout.
runNodeJs(protocGenDoc);
