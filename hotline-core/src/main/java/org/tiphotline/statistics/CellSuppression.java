package org.tiphotline.statistics;

import java.util.ArrayList;
import java.util.List;

/**
 * The small-cell rule for a two-way table of counts with its row totals, column totals and grand total.
 *
 * <p>Primary suppression: every count from 1 to {@code threshold - 1}, cells and totals alike, is withheld. A zero
 * is published: it describes no one.
 *
 * <p>Complementary suppression: a table's lines (each row with its row total, each column with its column total,
 * the column totals with the grand total, the row totals with the grand total) are sums, so a line with exactly
 * one withheld entry gives that entry away by subtraction. In such a line the smallest published cell is withheld
 * too (a non-zero one first: a zero beside a withheld cell may be guessed to be a zero; never a zero whose row or
 * column adds up to 0, which everyone knows is 0), or the line's total when no such cell is left; and again,
 * until no line has exactly one withheld entry. This protects against recomputing a cell from one line; it is not
 * a full linear-programming audit of every combination of lines (bounds on a withheld cell may remain narrow).
 */
public final class CellSuppression {

    private CellSuppression() {
    }

    /**
     * Which entries to withhold in {@code grid}: {@code rows + 1} lines of {@code columns + 1} counts, the last
     * column holding the row totals, the last line the column totals, and the last entry the grand total.
     */
    public static boolean[][] suppress(long[][] grid, int threshold) {
        return suppress(grid, threshold, new boolean[grid.length][grid[0].length]);
    }

    /** As {@link #suppress(long[][], int)}, with entries withheld beforehand (published elsewhere as withheld). */
    public static boolean[][] suppress(long[][] grid, int threshold, boolean[][] forced) {
        int height = grid.length;
        int width = grid[0].length;
        boolean[][] withheld = new boolean[height][width];
        for (int r = 0; r < height; r++) {
            if (grid[r].length != width) {
                throw new IllegalArgumentException("the grid is not rectangular");
            }
            for (int c = 0; c < width; c++) {
                withheld[r][c] = forced[r][c] || grid[r][c] > 0 && grid[r][c] < threshold;
            }
        }
        List<int[][]> lines = lines(height, width);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int[][] line : lines) {
                int count = 0;
                for (int[] at : line) {
                    count += withheld[at[0]][at[1]] ? 1 : 0;
                }
                if (count == 1) {
                    int[] complement = complement(grid, withheld, line);
                    withheld[complement[0]][complement[1]] = true;
                    changed = true;
                }
            }
        }
        return withheld;
    }

    /** Each line as its entries, the total last. */
    private static List<int[][]> lines(int height, int width) {
        List<int[][]> lines = new ArrayList<>();
        for (int r = 0; r < height; r++) {
            int[][] line = new int[width][];
            for (int c = 0; c < width; c++) {
                line[c] = new int[] {r, c};
            }
            lines.add(line);
        }
        for (int c = 0; c < width; c++) {
            int[][] line = new int[height][];
            for (int r = 0; r < height; r++) {
                line[r] = new int[] {r, c};
            }
            lines.add(line);
        }
        return lines;
    }

    private static int[] complement(long[][] grid, boolean[][] withheld, int[][] line) {
        int[] best = null;
        for (int i = 0; i < line.length - 1; i++) {
            int[] at = line[i];
            if (withheld[at[0]][at[1]] || knownZero(grid, at)) {
                continue;
            }
            if (best == null || rank(grid[at[0]][at[1]]) < rank(grid[best[0]][best[1]])) {
                best = at;
            }
        }
        // Only the total is left published beside the one withheld cell: the total is that cell's value.
        return best != null ? best : line[line.length - 1];
    }

    /** A zero in a row or column whose published total is 0 hides nothing: every count there is 0. */
    private static boolean knownZero(long[][] grid, int[] at) {
        return grid[at[0]][at[1]] == 0
                && (grid[at[0]][grid[0].length - 1] == 0 || grid[grid.length - 1][at[1]] == 0);
    }

    /** Smallest first, zeros after every non-zero count. */
    private static long rank(long count) {
        return count == 0 ? Long.MAX_VALUE : count;
    }
}
