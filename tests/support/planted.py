"""A diagram laid out the old way, too wide for the column: tests plant it to prove their measurements are live."""
# 12 boxes in a row, about 1,500 px wide at d2's 16 px labels.
OVER_WIDE = ("direction: right\n" + "".join(f'b{n}: "Step {n} label"\n' for n in range(12))
             + " -> ".join(f"b{n}" for n in range(12)) + "\n")
