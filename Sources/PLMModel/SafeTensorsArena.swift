/// Saving and loading an arena laid out by a ParameterLayout (parameters, or one of the optimizer's
/// moments) as safetensors, one tensor per Hugging Face key, in layout order.
public enum SafeTensorsArena {
    /// Writes `arena` as `path`; tensor names are the layout's keys with `prefix` in front.
    public static func write(_ arena: UnsafeBufferPointer<Float>, layout: ParameterLayout, prefix: String = "",
                             metadata: [String: String] = ["format": "pt"], to path: String) throws {
        precondition(arena.count == layout.totalCount, "arena size differs from the layout's")
        let tensors = layout.tensors.map { tensor in
            (name: prefix + tensor.name, shape: tensor.shape,
             values: UnsafeBufferPointer(rebasing: arena[tensor.offset..<tensor.offset + tensor.count]))
        }
        try SafeTensorsWriter.write(tensors, metadata: metadata, to: path)
    }

    /// Fills `arena` from `path`, which must hold exactly the layout's tensors (names with `prefix`)
    /// in the layout's shapes; anything missing, extra or misshaped is an error naming the tensor.
    public static func read(_ arena: UnsafeMutableBufferPointer<Float>, layout: ParameterLayout, prefix: String = "",
                            from path: String) throws(SafeTensorsError) {
        precondition(arena.count == layout.totalCount, "arena size differs from the layout's")
        let file = try SafeTensorsFile(path: path)
        try file.readAll(layout.tensors.map { tensor in
            (name: prefix + tensor.name, shape: tensor.shape,
             destination: UnsafeMutableBufferPointer(rebasing: arena[tensor.offset..<tensor.offset + tensor.count]))
        })
    }
}
