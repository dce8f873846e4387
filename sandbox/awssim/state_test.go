package awssim

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestExportImport(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Options{})
	e.cluster("prod", AuthModeAPI)
	roleARN := e.role("deploy", "", trustDoc(e.sim.iamARN("user/admin"), "sts:AssumeRole"))
	if _, err := e.ecr(e.admin).CreateRepository(ctx, &ecr.CreateRepositoryInput{
		RepositoryName: aws.String("flows")}); err != nil {
		t.Fatal(err)
	}

	data, err := e.sim.Export()
	if err != nil {
		t.Fatal(err)
	}

	restored := New(Options{Now: e.clock.Now})
	if err := restored.Import(data); err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(restored)
	t.Cleanup(srv.Close)
	e.sim, e.srv = restored, srv

	tests := []struct {
		name string
		call func() error
	}{
		{"admin key", func() error {
			_, err := e.iam(e.admin).GetUser(ctx, &iam.GetUserInput{})

			return err
		}},
		{"role", func() error {
			_, err := e.assume(e.admin, roleARN, 900)

			return err
		}},
		{"repository", func() error {
			_, err := e.ecr(e.admin).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{
				RepositoryNames: []string{"flows"}})

			return err
		}},
		{"access entry", func() error {
			_, err := e.eks(e.admin).DescribeAccessEntry(ctx, &eks.DescribeAccessEntryInput{
				ClusterName:  aws.String("prod"),
				PrincipalArn: aws.String(e.sim.iamARN("user/admin"))})

			return err
		}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestImportRefuses(t *testing.T) {
	data, err := New(Options{}).Export()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		data []byte
		opts Options
	}{
		{"broken JSON", []byte("{"), Options{}},
		{"another account", data, Options{AccountID: "999999999999"}},
		{"another region", data, Options{Region: "eu-west-1"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := New(tt.opts).Import(tt.data); err == nil {
				t.Fatal("Import accepted the state")
			}
		})
	}
}
