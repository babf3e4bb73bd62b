import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  RunnerLaunchTemplates,
  type RunnerLaunchTemplatesProps,
} from "../../../infra/lib/runner-launch-templates.js";
import { bareStack, pools } from "./fixtures.js";

const POOLS = pools(`
  - name: small
    labels: [linux, small]
    instanceTypes: [t3.medium, t3a.medium]
    image: { ssmParameter: /mayfly/images/x64 }
    subnets: [subnet-00000000000000001]
    securityGroups: [sg-00000000000000009]
    maxRunners: 5
  - name: big
    labels: [linux, big]
    instanceTypes: [m7i.2xlarge]
    image: ami-0123456789abcdef0
    subnets: [subnet-00000000000000001]
    securityGroups: [sg-00000000000000009]
    volume: { sizeGiB: 100, throughput: 250 }
    maxRunners: 5
  - name: open
    labels: [linux, open]
    instanceTypes: [t3.small]
    image: ami-0123456789abcdef0
    subnets: [subnet-00000000000000002]
    securityGroups: [sg-00000000000000009]
    publicIp: true
    maxRunners: 1
`).pools;

function synth(props: Partial<RunnerLaunchTemplatesProps> = {}) {
  const { stack, vpc } = bareStack();
  const runners = new RunnerLaunchTemplates(stack, "Runners", {
    vpc,
    pools: POOLS,
    templatePrefix: "Mayfly-",
    ...props,
  });
  return { runners, template: Template.fromStack(stack) };
}

const byDefault = synth();
const templateData = (name: string) => {
  const found = Object.values(byDefault.template.findResources("AWS::EC2::LaunchTemplate")).find(
    (t) => t.Properties.LaunchTemplateName === name,
  );
  if (!found) throw new Error(`no launch template ${name}`);
  return found.Properties.LaunchTemplateData;
};
const runnerGroup = { "Fn::GetAtt": [expect.stringMatching(/^RunnersRunnerSecurityGroup/), "GroupId"] };

describe("runner launch templates", () => {
  it("are named <prefix><pool> so the app finds them by MAYFLY_LAUNCH_TEMPLATE_PREFIX", () => {
    const names = Object.values(byDefault.template.findResources("AWS::EC2::LaunchTemplate")).map(
      (t) => t.Properties.LaunchTemplateName,
    );
    expect(names).toEqual(["Mayfly-small", "Mayfly-big", "Mayfly-open"]);
    expect(byDefault.runners.templateName("small")).toBe("Mayfly-small");
  });

  it.each(["Mayfly-small", "Mayfly-big", "Mayfly-open"])(
    "%s requires IMDSv2 with hop limit 1, no metadata tags, and terminates on shutdown",
    (name) => {
      const data = templateData(name);
      expect(data.MetadataOptions).toEqual({
        HttpEndpoint: "enabled",
        HttpTokens: "required",
        HttpPutResponseHopLimit: 1,
        InstanceMetadataTags: "disabled",
      });
      expect(data.InstanceInitiatedShutdownBehavior).toBe("terminate");
      expect(data.UserData).toBeUndefined();
      expect(data.IamInstanceProfile).toEqual({
        Arn: { "Fn::GetAtt": [expect.stringMatching(/^RunnersRunnerInstanceProfile/), "Arn"] },
      });
    },
  );

  it("have an encrypted gp3 root volume that is deleted with the instance", () => {
    expect(templateData("Mayfly-small").BlockDeviceMappings).toEqual([
      {
        DeviceName: "/dev/xvda",
        Ebs: { VolumeSize: 30, VolumeType: "gp3", Encrypted: true, DeleteOnTermination: true },
      },
    ]);
    expect(templateData("Mayfly-big").BlockDeviceMappings).toEqual([
      {
        DeviceName: "/dev/xvda",
        Ebs: {
          VolumeSize: 100,
          VolumeType: "gp3",
          Encrypted: true,
          DeleteOnTermination: true,
          Throughput: 250,
        },
      },
    ]);
  });

  it("take the pool's image: an AMI id, or an SSM parameter resolved at launch", () => {
    expect(templateData("Mayfly-small").ImageId).toBe("resolve:ssm:/mayfly/images/x64");
    expect(templateData("Mayfly-big").ImageId).toBe("ami-0123456789abcdef0");
    expect(templateData("Mayfly-small").InstanceType).toBe("t3.medium");
  });

  it("give no public address unless the pool asks, and only the stack's runner group by default", () => {
    const private_ = templateData("Mayfly-small");
    expect(private_.NetworkInterfaces).toBeUndefined();
    expect(private_.SecurityGroupIds).toEqual([runnerGroup]);
    expect(templateData("Mayfly-open").NetworkInterfaces).toEqual([
      { DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: [runnerGroup], DeleteOnTermination: true },
    ]);
    expect(templateData("Mayfly-open").SecurityGroupIds).toBeUndefined();
  });

  it("add the pool's groups to the runner group only in stack-and-pool mode", () => {
    const { template } = synth({ securityGroupMode: "stack-and-pool" });
    const small = Object.values(template.findResources("AWS::EC2::LaunchTemplate")).find(
      (t) => t.Properties.LaunchTemplateName === "Mayfly-small",
    );
    expect(small?.Properties.LaunchTemplateData.SecurityGroupIds).toEqual([
      runnerGroup,
      "sg-00000000000000009",
    ]);
  });
});

describe("the runner security group", () => {
  const groups = () => Object.values(byDefault.template.findResources("AWS::EC2::SecurityGroup"));

  it("has no ingress and egress only on TCP 443 by default", () => {
    const [group] = groups();
    expect(group?.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group?.Properties.SecurityGroupEgress).toEqual([
      {
        CidrIp: "0.0.0.0/0",
        Description: "runners may reach TCP 443",
        FromPort: 443,
        IpProtocol: "tcp",
        ToPort: 443,
      },
    ]);
    byDefault.template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
  });

  it("opens exactly the configured egress ports", () => {
    const { template } = synth({ egressPorts: [443, 80] });
    const [group] = Object.values(template.findResources("AWS::EC2::SecurityGroup"));
    expect(group?.Properties.SecurityGroupEgress.map((r: { FromPort: number }) => r.FromPort)).toEqual([
      443, 80,
    ]);
  });

  it("refuses a port that is not a TCP port", () => {
    expect(() => synth({ egressPorts: [0] })).toThrow(/not a TCP port/);
  });
});

describe("the runner role", () => {
  it("has no permissions by default", () => {
    const [role] = Object.values(byDefault.template.findResources("AWS::IAM::Role"));
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toBeUndefined();
    byDefault.template.resourceCountIs("AWS::IAM::Policy", 0);
    byDefault.template.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
  });

  it("gets only AWS's SSM Session Manager policy when opted in", () => {
    const { template } = synth({ ssmSessionManager: true });
    const [role] = Object.values(template.findResources("AWS::IAM::Role"));
    expect(role?.Properties.ManagedPolicyArns).toEqual([
      {
        "Fn::Join": [
          "",
          ["arn:", { Ref: "AWS::Partition" }, ":iam::aws:policy/AmazonSSMManagedInstanceCore"],
        ],
      },
    ]);
    expect(role?.Properties.Policies).toBeUndefined();
    template.resourceCountIs("AWS::IAM::Policy", 0);
  });
});
