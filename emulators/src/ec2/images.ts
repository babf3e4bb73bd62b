/**
 * The AMIs the emulator knows. Given `images` (or `amis`, each an available x86_64 image), only those
 * exist. Given neither, the emulator is permissive as its launches are: any well-formed id describes as
 * an available x86_64 image of the account, so DescribeImages by id never fails where RunInstances
 * would have accepted the id; a listing without ids is then empty (there is nothing to list).
 */
export interface ImageInput {
  imageId: string;
  architecture?: "x86_64" | "arm64" | "i386";
  /** `deregistered` shows in DescribeImages for a while after DeregisterImage, as on EC2. */
  state?: "available" | "pending" | "failed" | "deregistered" | "disabled";
  name?: string;
  ownerId?: string;
  isPublic?: boolean;
  tags?: Record<string, string>;
}

export interface EmulatedImage extends Required<Omit<ImageInput, "tags">> {
  tags: Record<string, string>;
  order: number;
}

export interface ImageRegistry {
  /** Undefined when the id is unknown (only when images were configured). */
  find(imageId: string): EmulatedImage | undefined;
  /** Every configured image (none when the registry is permissive). */
  all(): readonly EmulatedImage[];
}

export function createImageRegistry(
  input: { images?: readonly ImageInput[]; amis?: readonly string[] },
  accountId: string,
): ImageRegistry {
  const configured = input.images !== undefined || input.amis !== undefined;
  const byId = new Map<string, EmulatedImage>();
  const add = (image: ImageInput) =>
    byId.set(image.imageId, {
      architecture: "x86_64",
      state: "available",
      name: `emulated-${image.imageId}`,
      ownerId: accountId,
      isPublic: false,
      ...image,
      tags: image.tags ?? {},
      order: byId.size + 1,
    });
  for (const imageId of input.amis ?? []) add({ imageId });
  for (const image of input.images ?? []) add(image);
  return {
    find(imageId) {
      const known = byId.get(imageId);
      if (known || configured) return known;
      return {
        imageId,
        architecture: "x86_64",
        state: "available",
        name: `emulated-${imageId}`,
        ownerId: accountId,
        isPublic: false,
        tags: {},
        order: 0,
      };
    },
    all: () => [...byId.values()],
  };
}
